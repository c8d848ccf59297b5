"""Which column of a patients CSV holds which field, for exports straight from a scheduling system.

A scheduling system exports ``MRN``, ``First Name``, ``Last Name``, ``Dx``,
``Stage``... A column map says where each field of a request comes from: a
column, or a join of columns::

    patient_id: MRN
    name: "{First Name} {Last Name}"
    diagnosis: Dx
    date_format: DD/MM/YYYY     # how the export writes dates, when day and month could be swapped

It comes from ``handouts batch --columns mapping.yaml`` or from a ``columns:``
block in the clinic's ``clinic.yaml``. Without one, columns named like the
fields are used, then the usual names other systems give them (``MRN`` or
``Chart Number`` for ``patient_id``, ``Dx`` for ``diagnosis``, ``First Name``
and ``Last Name`` joined for ``name``...). Column names match without regard
to case, spaces, ``_`` or ``-``. A date-of-birth column is left out with a
note: a handout never needs it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handouts.errors import DataError, ErrorList, InputError, did_you_mean, shown
from handouts.load.choices import key
from handouts.load.request_fields import DATE_FORMATS, FIELDS, REQUIRED
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml

#: The usual names of each field's column in scheduling systems' exports (besides the field's own name).
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "patient_id": ("patient id", "mrn", "medical record number", "medical record no", "record number",
                   "chart number", "chart no", "chart", "patient number", "patient no", "pt id", "client id",
                   "account number", "nhc", "historia", "n historia", "numero de historia"),
    "name": ("patient name", "patient", "full name", "client name", "client"),
    "diagnosis": ("dx", "primary diagnosis", "diagnosis description", "condition", "reason for visit"),
    "phase": ("stage", "phase of care", "care phase"),
    "start_date": ("start", "appointment date", "appt date", "visit date", "date of visit", "date"),
    "weeks": ("number of weeks", "checklist weeks"),
    "clinician": ("therapist", "provider", "physiotherapist", "physical therapist", "practitioner", "seen by",
                  "rendering provider"),
    "clinic": ("location", "site", "clinic id", "facility"),
    "exercises": ("exercise ids", "home program", "hep"),
    "language": ("lang", "preferred language", "patient language"),
    "large_print": ("largeprint",),
    "notes": ("note", "comments", "comment", "instructions"),
    "paper": ("paper size",),
}
FIRST_NAME = ("first name", "given name", "forename", "first")
LAST_NAME = ("last name", "surname", "family name", "last")
#: Columns left out with a note: personal data a handout never needs.
PERSONAL = ("dob", "date of birth", "birth date", "birthdate", "birthday", "fecha de nacimiento",
            "fecha nacimiento", "f nacimiento", "geburtsdatum", "date de naissance")
MAP_KEYS = (*FIELDS, "date_format")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class ColumnMap:
    """Where fields come from: field -> a column name, or a join like "{First Name} {Last Name}"."""

    fields: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    source: str = ""  # where the map was written, for messages

    def header(self, cells: Sequence[str], *, path: Path | str, line: int, known: Sequence[str] = ()) -> Header:
        """How a file with the header ``cells`` gives each field; InputError when it cannot give
        the required ones (every problem at once). ``known`` columns are read without a note."""
        return _resolve(self, list(cells), path=path, line=line, known=tuple(known))


@dataclass
class Header:
    """A file's header, resolved: for each field the columns it comes from, and what was noted."""

    names: list[str]  # the columns as written in the file
    sources: dict[str, tuple[str | int, ...]]  # field -> parts: literal text, or a column's position
    passed: dict[int, str]  # other columns, by position: their normalised name (e.g. an override column)
    notes: list[str] = field(default_factory=list)

    def values(self, cells: Sequence[str]) -> dict[str, str]:
        """A row's values by field (and the other columns by their normalised names)."""
        def cell(index: int) -> str:
            return cells[index].strip() if index < len(cells) else ""

        found: dict[str, str] = {}
        for name, parts in self.sources.items():
            if len(parts) == 1 and isinstance(parts[0], int):
                found[name] = cells[parts[0]] if parts[0] < len(cells) else ""  # as typed, line breaks and all
                continue
            pieces = [cell(p) if isinstance(p, int) else p for p in parts]
            columns = [cell(p) for p in parts if isinstance(p, int)]
            found[name] = " ".join("".join(pieces).split()) if any(columns) else ""
        for index, name in self.passed.items():
            found.setdefault(name, cells[index] if index < len(cells) else "")
        return found

    def column(self, name: str) -> str:
        """The file's column(s) a field comes from, for messages: 'Stage', or 'First Name + Last Name'."""
        parts = self.sources.get(name, ())
        columns = [self.names[p] for p in parts if isinstance(p, int)]
        return " + ".join(columns) if columns else name


def _normal(name: str) -> str:
    """A header cell as the reader has always named columns: lower case, spaces as '_'."""
    return name.strip().lower().replace(" ", "_")


def _resolve(columns: ColumnMap, names: list[str], *, path: Path | str, line: int,
             known: tuple[str, ...] = ()) -> Header:
    keys = [key(n) for n in names]
    errors: list[InputError] = []
    used: set[int] = set()
    sources: dict[str, tuple[str | int, ...]] = {}
    notes: list[str] = []
    by_key: dict[str, int] = {}
    for index, k in enumerate(keys):
        by_key.setdefault(k, index)

    def find(column: str, for_field: str) -> int | None:
        index = by_key.get(key(column))
        if index is None:
            errors.append(InputError(
                f"the column map{_from(columns)} gives {for_field} from column {shown(column)}, which the file "
                f"does not have{did_you_mean(column, names)}; its columns: {', '.join(n for n in names if n.strip())}",
                path=path, row=line))
        return index

    for name, spec in columns.fields.items():
        if _PLACEHOLDER.search(spec):
            parts: list[str | int] = []
            position = 0
            for match in _PLACEHOLDER.finditer(spec):
                parts.append(spec[position:match.start()])
                index = find(match.group(1), name)
                parts.append(index if index is not None else "")
                position = match.end()
            parts.append(spec[position:])
            sources[name] = tuple(p for p in parts if p != "")
        else:
            index = find(spec, name)
            if index is not None:
                sources[name] = (index,)
    for part in (p for parts in sources.values() for p in parts if isinstance(p, int)):
        used.add(part)

    def unused(candidates: Sequence[str]) -> int | None:
        wanted = {key(c) for c in candidates}
        return next((i for i, k in enumerate(keys) if k in wanted and i not in used), None)

    for name in FIELDS:
        if name in sources:
            continue
        index = unused((name,)) if name != "name" else unused(("name",))
        if index is None:
            index = unused(SYNONYMS.get(name, ()))
        if index is not None:
            sources[name] = (index,)
            used.add(index)
    if "name" not in sources:
        first, last = unused(FIRST_NAME), unused(LAST_NAME)
        if first is not None and last is not None:
            sources["name"] = (first, " ", last)
            used.update((first, last))
    mapped = [n for n in FIELDS if n in sources and sources[n] != (by_key.get(key(n)),)]
    if mapped:
        notes.append(f"{path}: reading " + ", ".join(
            f"{n} from {' + '.join(names[p] for p in sources[n] if isinstance(p, int))}" for n in mapped))
    duplicates = sorted({names[i].strip() for i in used if keys.count(keys[i]) > 1})
    if duplicates:
        errors.append(InputError(f"the header repeats column {', '.join(duplicates)}; keep one", path=path, row=line))
    missing = [n for n in REQUIRED if n not in sources]
    if missing:
        errors.append(InputError(
            f"the header has no {', '.join(repr(m) for m in missing)} column; required columns are "
            f"{', '.join(REQUIRED)} (found: {', '.join(n for n in names if n.strip()) or 'none'}); name a column "
            "for each in a column map (handouts batch --columns mapping.yaml), e.g. 'patient_id: MRN'",
            path=path, row=line))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)  # type: ignore[arg-type]
    passed: dict[int, str] = {}
    personal, extra = [], []
    for index, name in enumerate(names):
        if index in used or not name.strip():
            continue
        if key(name) in {key(p) for p in PERSONAL}:
            personal.append(name.strip())
            continue
        if _normal(name) in known:  # read, e.g. an override column; any other is not kept
            passed[index] = _normal(name)
        elif _normal(name) not in FIELDS:
            extra.append(_normal(name))
    if personal:
        notes.append(f"{path}: leaving out column {', '.join(personal)}: a handout never needs the date of birth")
    if extra:
        notes.append(f"{path}: ignoring columns {', '.join(extra)} (known: {', '.join(FIELDS)})")
    return Header(names, sources, passed, notes)


def _from(columns: ColumnMap) -> str:
    return f" ({columns.source})" if columns.source else ""


def _read(s: Section) -> tuple[dict[str, str], str | None]:
    """The field -> column lines of a map, and its date format."""
    found: dict[str, str] = {}
    for name in s.data:
        if name in FIELDS:
            value = s.text(name, max_len=200)
            if value and value.count("{") != value.count("}"):
                s.fail(f"{shown(value)} has an unmatched '{{' or '}}'; write joins as \"{{First Name}} {{Last Name}}\"",
                       key=s.qualified(name))
            elif value:
                found[name] = value
    date_format = s.choice("date_format", DATE_FORMATS, None)
    return found, date_format


def column_block(s: Section) -> dict[str, str]:
    """A clinic's ``columns:`` block (see the module docstring), '' keys left out; date_format kept as a key."""
    if s.data.get("columns") is None:
        return {}
    inner = s.section("columns", MAP_KEYS)
    found, date_format = _read(inner)
    return {**found, **({"date_format": date_format} if date_format else {})}


def from_clinic(block: Mapping[str, str], clinic_path: str) -> ColumnMap:
    """The column map a clinic's ``columns:`` block gives."""
    fields = {k: v for k, v in block.items() if k != "date_format"}
    return ColumnMap(fields, block.get("date_format"), source=f"columns in {clinic_path}")


def load_column_map(path: Path) -> ColumnMap:
    """Read a column map file; DataError (all problems at once) when it is wrong."""
    try:
        found = path.is_file()
    except OSError as exc:  # a folder on the way that may not be looked into
        raise InputError(f"cannot read the column map file: {exc.strerror or exc}", path=path) from None
    if not found:
        raise InputError("the column map file does not exist", path=path)
    raw = load_yaml(path)
    problems = Problems()
    s = Section(raw, path=path, where="", problems=problems, known=MAP_KEYS)
    found, date_format = _read(s) if s.ok else ({}, None)
    if s.ok and not found:
        s.fail(f"maps no columns; write one line per field, e.g. 'patient_id: MRN' (fields: {', '.join(FIELDS)})")
    if problems:
        raise ErrorList(problems.errors)
    counts = Counter(found.values())
    twice = [v for v, n in counts.items() if n > 1 and not _PLACEHOLDER.search(v)]
    if twice:
        raise DataError(f"column {shown(twice[0])} is given for more than one field; give each field its own",
                        path=path)
    return ColumnMap(found, date_format, source=path.name)

