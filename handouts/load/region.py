"""Read a region's ``region.yaml``: its phases, muscle groups, positions, overrides and rule list.

The rule list is read here as names and settings; what each rule takes is
checked by the rules themselves (``handouts.rules.checks``) once the whole
dataset is loaded.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from handouts.errors import DataError
from handouts.load import fields
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model.region import Edition, ForbiddenName, MoveOn, Region, RuleStep, Sign

_KEYS = ("name", "content", "sources", "phases", "muscle_groups", "positions", "isometric_groups", "forbidden_names",
         "precautions", "overrides", "rules", "move_on")


def load_region(folder: Path, problems: Problems) -> Region | None:
    """The region in ``folder`` (its ``region.yaml``); None when it has problems, each recorded."""
    path = folder / "region.yaml"
    if not folder.is_dir():
        problems.add("the region folder does not exist; check 'region' in settings.yaml", path=folder)
        return None
    try:
        raw = load_yaml(path)
    except DataError as exc:
        problems.extend([exc])
        return None
    before = len(problems.errors)
    s = Section(raw, path=path, where="", problems=problems, known=_KEYS)
    if not s.ok:
        return None
    name = s.text("name", max_len=60)
    edition = _edition(s.section("content", ("version", "reviewed")))
    sources = _names_section(s, "sources", max_len=300)
    phases = _names_section(s, "phases")
    muscle_groups = _id_list(s, "muscle_groups", required=True)
    positions = _id_list(s, "positions", required=True)
    isometric = _id_list(s, "isometric_groups", required=False)
    for group in isometric:
        if group not in muscle_groups:
            s.fail(f"{group!r} is not one of the muscle_groups", key="isometric_groups")
    overrides = {k.replace("-", "_"): v for k, v in _names_section(s, "overrides", required=False).items()}
    precautions = _names_section(s, "precautions", required=False)
    forbidden = _forbidden(s)
    rules = _rules(s)
    move_on = _move_on(s, phases, sources)
    if len(problems.errors) > before:
        return None
    return Region(folder.name, name, phases, muscle_groups, positions, isometric, forbidden, overrides, rules,
                  sources=sources, precautions=precautions, edition=edition, path=path, move_on=move_on)


def _move_on(s: Section, phases: dict[str, str], sources: dict[str, str]) -> dict[str, MoveOn]:
    """For each phase with a next one: the next phase and the signs to talk about it, each with its
    source (every language of a sign is checked once the languages are known: ``check_move_on``)."""
    raw = s.data.get("move_on")
    if raw is None:
        return {}
    m = s.section("move_on", tuple(phases))
    result: dict[str, MoveOn] = {}
    for phase in m.data:
        p = m.section(phase, ("next", "signs"))
        nxt = p.choice("next", tuple(phases))
        signs = []
        for i, entry in enumerate(p.items("signs", low=1, high=5, what="signs ('- {en: ..., es: ..., source: ...}')")):
            # Any language may be given here; every language of the templates is checked once known.
            e = p.child(entry, f"signs[{i}]", tuple(entry) if isinstance(entry, dict) else ())
            if not e.ok:
                continue
            if "source" not in e.data:
                e.fail("is required: where the sign comes from (seed, a guideline, or common-practice)",
                       key=e.qualified("source"))
                continue
            ids = e.data["source"] if isinstance(e.data["source"], list) else [e.data["source"]]
            unknown = [i for i in ids if i not in sources]
            if unknown:
                e.fail(f"source {unknown[0]!r} is not one of {', '.join(sources)}", key=e.qualified("source"))
                continue
            text = {k: str(v).strip() for k, v in e.data.items() if k != "source"}
            signs.append(Sign(text, tuple(ids)))
        if nxt:
            result[phase] = MoveOn(nxt, tuple(signs))
    return result


def _edition(s: Section) -> Edition | None:
    """The content's edition: a version such as '2026.12' and the date it was last reviewed."""
    version = s.text("version", max_len=20)
    reviewed = s.raw("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = date.fromisoformat(reviewed.strip())
        except ValueError:
            reviewed = None
    if not isinstance(reviewed, date) and "reviewed" in s.data:
        s.fail("expected a date written YYYY-MM-DD, e.g. 2026-12-02", key=s.qualified("reviewed"))
        return None
    return Edition(version, reviewed) if version and isinstance(reviewed, date) else None


def _names_section(s: Section, key: str, *, required: bool = True, max_len: int = 80) -> dict[str, str]:
    """A mapping of ids to the names clinicians see, e.g. 'acute: Acute'."""
    value = s.data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or not value:
        s.fail("expected one 'id: Name' line for each", key=s.qualified(key))
        return {}
    section = s.section(key, tuple(str(k) for k in value))
    names = {}
    for item in value:
        try:
            fields.kebab_id(str(item).replace("_", "-"))
        except ValueError as exc:
            section.fail(str(exc), key=section.qualified(str(item)))
        text = section.text(str(item), max_len=max_len)
        if text:
            names[str(item)] = text
    return names


def _id_list(s: Section, key: str, *, required: bool) -> tuple[str, ...]:
    ids = s.texts(key, required=required, max_items=40)
    for value in ids:
        try:
            fields.kebab_id(value)
        except ValueError as exc:
            s.fail(str(exc), key=s.qualified(key))
    return ids


def _forbidden(s: Section) -> tuple[ForbiddenName, ...]:
    found = []
    for i, raw in enumerate(s.data.get("forbidden_names") or []):
        item = s.child(raw, f"forbidden_names[{i}]", ("pattern", "message"))
        pattern, message = item.text("pattern", max_len=200), item.text("message", max_len=200)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                item.fail(f"is not a regular expression ({exc})", key=item.qualified("pattern"))
                continue
        if pattern and message:
            found.append(ForbiddenName(pattern, message))
    return tuple(found)


def _rules(s: Section) -> tuple[RuleStep, ...]:
    raw = s.raw("rules")
    if not isinstance(raw, list):
        if raw is not None:
            s.fail("expected a list of rules ('- name: {settings}')", key="rules")
        return ()
    steps = []
    for i, entry in enumerate(raw):
        where = f"rules[{i}]"
        if not isinstance(entry, dict) or len(entry) != 1:
            s.fail("expected one rule name with its settings, e.g. '- balance: {}'", key=where)
            continue
        (name, settings), = entry.items()
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            s.fail(f"the settings of {name!r} must be a mapping, e.g. {{phases: [acute]}}", key=where)
            continue
        steps.append(RuleStep(str(name), settings, where))
    return tuple(steps)
