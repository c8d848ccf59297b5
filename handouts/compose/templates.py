"""Patient-facing words: Jinja2 templates and labels per language, rendered in a sandbox.

A clinic changes wording and section order by editing ``templates/<language>/``:

* ``handout.md.j2``   the whole handout; slots ``::: exercises`` and ``::: checklist``
  mark where the exercise cards and the weekly grids go;
* ``checklist.md.j2`` the checklist-only sheet;
* ``exercise.md.j2``  the text of one exercise card (steps, ``::: box dose``, feel, cautions);
* ``labels.yaml``     short words the layout needs (dates, grid labels, page footer, content edition).

Templates see the context documented in ``handouts.compose.context``; every printed
value is escaped by ``markup.md_escape`` so patient text can never change the
structure. Templates run in ``handouts.compose.sandbox``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from handouts import __version__
from handouts.compose.markup import MarkupError, Parsed, md_escape, parse
from handouts.compose.sandbox import HandoutSandbox, TemplateTimeout, TooLong, run_limited
from handouts.errors import DataError, ErrorList
from handouts.load import parsed_cache
from handouts.load.schema import Problems, Section
from handouts.load.yamlio import load_yaml
from handouts.model.document import fill

KEPT_RENDERS = 1024  # rendered cards kept per language: a long-running server stays small
T = TypeVar("T")
TEMPLATE_FILES = ("handout.md.j2", "checklist.md.j2", "exercise.md.j2")
RENDER_SECONDS = 5.0
MAX_OUTPUT = 200_000  # characters one template may write
MAX_LABEL_WIDTH = 40  # a label field may not ask for more padding than this
_LABEL_KEYS = (
    "document_title", "checklist_document_title", "page", "made", "edition", "cover", "video", "weekdays", "months",
    "months_long", "short_date", "long_date", "diagnoses", "phases", "grid", "safety_phrases", "sample",
)
_OPTIONAL_LABELS = {"sample": "SAMPLE"}  # labels older template copies may lack, and their default
_GRID_KEYS = ("exercise", "walking", "walking_hint", "pain", "pain_hint", "week", "times_a_day", "notes",
              "leg_pain", "changes", "week_continued")
#: Grid labels older template copies may lack: with no "week_continued", a week printed on two pages
#: repeats its own title over its second part.
_OPTIONAL_GRID_LABELS = {"week_continued": None}


def languages(root: Path) -> tuple[str, ...]:
    """The languages that have templates: sub-folders of ``root`` holding a labels.yaml."""
    found = sorted(p.parent.name for p in root.glob("*/labels.yaml"))
    if not found:
        raise DataError("no template languages found (expected <language>/labels.yaml)", path=root)
    return tuple(found)


@dataclass(frozen=True)
class Templates:
    """The templates and labels of one language."""

    folder: Path
    language: str
    env: jinja2.Environment
    labels: Mapping[str, Any]
    #: What was made from these templates once per process, by key (``kept``): rendered blocks by
    #: template name and ``kept`` key (see ``render``), the cards made of them, and checklist weeks. Not
    #: copied by ``dataclasses.replace``: templates with other labels start with nothing kept.
    _kept: dict[tuple[Hashable, ...], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def kept(self, key: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        """What ``make`` makes, made once per process for ``key``: a key must hold everything ``make``
        reads beyond these templates. ``HANDOUTS_FAST_PATH=0`` makes it every time."""
        if not parsed_cache.enabled():
            return make()
        found = self._kept.get(key)
        if found is None:  # (another thread may empty the store meanwhile: what was made is returned)
            found = make()
            if len(self._kept) >= KEPT_RENDERS:
                self._kept.clear()
            self._kept[key] = found
        return found  # type: ignore[no-any-return]

    def render(self, name: str, context: Mapping[str, Any], *, kept: str | None = None) -> tuple[Parsed, ...]:
        """Render template ``name`` with ``context`` and parse the result into blocks.

        With ``kept`` (a key that holds everything ``context`` says beyond these templates' own labels),
        the blocks are rendered once per process and shared: a template sees nothing but its context, and
        these templates are loaded once per process (``load_templates``), so the same key gives the same
        blocks. ``HANDOUTS_FAST_PATH=0`` renders every time.
        """
        if kept is not None:
            return self.kept(("render", name, kept), lambda: self.render(name, context))
        path = self.folder / name
        try:
            template = self.env.get_template(name)
            output = run_limited(lambda: template.generate(context), seconds=RENDER_SECONDS, max_output=MAX_OUTPUT)
            return parse(output)
        except TooLong as exc:
            raise DataError(f"the template wrote {exc.written:,} characters; the limit is {MAX_OUTPUT:,}",
                            path=path) from None
        except MarkupError as exc:
            raise DataError(f"output is not valid handout text: {exc}", path=path) from None
        except jinja2.TemplateSyntaxError as exc:
            raise DataError(f"template syntax: {exc.message}", path=exc.filename or path, row=exc.lineno) from None
        except jinja2.TemplateNotFound as exc:
            raise DataError(f"template {exc.name!r} not found in {self.folder}", path=path) from None
        except TemplateTimeout:
            raise DataError(f"the template ran for more than {RENDER_SECONDS:g} seconds and was stopped "
                            "(a loop too long?)", path=path) from None
        except jinja2.exceptions.SecurityError as exc:
            file, line = _template_frame(exc, path)
            raise DataError(f"the template tried something unsafe and was stopped: {exc}", path=file, row=line) from None
        except jinja2.UndefinedError as exc:
            file, line = _template_frame(exc, path)
            raise DataError(f"{exc.message}; see the context documented in handouts/compose/context.py",
                            path=file, row=line) from None
        except (TypeError, ValueError, ArithmeticError, OverflowError, RecursionError, MemoryError) as exc:
            file, line = _template_frame(exc, path)
            raise DataError(f"the template failed: {type(exc).__name__}: {exc}", path=file, row=line) from None

    def label(self, *keys: str, **values: object) -> str:
        """The label at ``keys`` (e.g. 'grid', 'week') with its {fields} filled from ``values``."""
        text: Any = self.labels
        for key in keys:
            text = text[key]
        return fill(str(text), values)

    def short_date(self, day: date) -> str:
        """e.g. 'Mon 7 Dec' (wording from labels.yaml)."""
        return self.label("short_date", weekday=self.labels["weekdays"][day.weekday()], day=day.day,
                          month=self.labels["months"][day.month - 1], year=day.year)

    def long_date(self, day: date) -> str:
        """e.g. '7 December 2026' (wording from labels.yaml)."""
        return self.label("long_date", weekday=self.labels["weekdays"][day.weekday()], day=day.day,
                          month=self.labels["months_long"][day.month - 1], year=day.year)

    def times_a_day(self, n: int) -> str:
        return self.label("grid", "times_a_day", "one" if n == 1 else "other", n=n)


def _template_frame(exc: BaseException, default: Path) -> tuple[Path | str, int | None]:
    """The template file and line where ``exc`` happened (Jinja keeps them in the traceback)."""
    tb = exc.__traceback__
    found: tuple[Path | str, int | None] = (default, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


@cache
def load_templates(root: Path, language: str) -> Templates:
    """The sandboxed environment and labels for ``language`` (cached per process)."""
    folder = root / language
    labels = _load_labels(folder / "labels.yaml")
    env = HandoutSandbox(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        finalize=md_escape,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    templates = Templates(folder, language, env, labels)
    env.filters["short_date"] = templates.short_date
    env.filters["long_date"] = templates.long_date
    return templates


@cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder, so a one-off command does not compile
    them again (Jinja2 checks each template's source checksum; the folder is named by this
    program's and Jinja2's versions, and is safe to delete). None with HANDOUTS_FAST_PATH=0 or
    when the folder cannot be made."""
    if not parsed_cache.enabled():
        return None
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("handouts", appauthor=False)) / f"jinja-{__version__}-{jinja2.__version__}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _load_labels(path: Path) -> dict[str, Any]:
    problems = Problems()
    raw = load_yaml(path)
    s = Section(raw, path=path, where="", problems=problems, known=_LABEL_KEYS)
    if s.ok:
        for key in _LABEL_KEYS:
            if key in _OPTIONAL_LABELS:
                s.data[key] = s.text(key, _OPTIONAL_LABELS[key], max_len=60)
            else:
                s.raw(key)
        for key, count in (("weekdays", 7), ("months", 12), ("months_long", 12)):
            value = s.data.get(key)
            if value is not None and (not isinstance(value, list) or len(value) != count):
                s.fail(f"expected a list of {count} names", key=key)
        grid = s.section("grid", _GRID_KEYS)
        for key in _GRID_KEYS:
            if key in _OPTIONAL_GRID_LABELS:
                grid.data[key] = grid.text(key, _OPTIONAL_GRID_LABELS[key], max_len=60)
            else:
                grid.raw(key)
        forms = grid.data.get("times_a_day")
        if forms is not None:
            grid.section("times_a_day", ("one", "other"))
    if not problems:
        _check_formats(s)
    if problems:
        raise ErrorList(problems.errors)
    return s.data


#: Each label that is a format, and the names it may use (with a sample value to fill it once).
_FORMATS = {
    ("short_date",): {"weekday": "Mon", "day": 7, "month": "Dec", "year": 2026},
    ("long_date",): {"weekday": "Mon", "day": 7, "month": "December", "year": 2026},
    ("page",): {"page": 1, "pages": 2},
    ("made",): {"date": "7 December 2026"},
    ("edition",): {"version": "2026.12", "date": "2 December 2026"},
    ("grid", "week"): {"n": 1, "first": "Mon 7 Dec", "last": "Sun 13 Dec"},
    ("grid", "week_continued"): {"n": 1, "first": "Mon 7 Dec", "last": "Sun 13 Dec"},
    ("grid", "times_a_day", "one"): {"n": 1},
    ("grid", "times_a_day", "other"): {"n": 2},
}


def _check_formats(s: Section) -> None:
    """Check every format label: only plain {name} fields from its list, so a misspelt name or a
    field that reaches into Python (``{day.__class__}``) or pads without end fails here, not mid-batch.
    Each problem names the file and the line of its label."""
    lines = s.path.read_text(encoding="utf-8-sig", errors="replace").splitlines() if s.path.is_file() else []
    for keys, values in _FORMATS.items():
        text: Any = s.data
        for key in keys:
            text = text.get(key) if isinstance(text, dict) else None
        allowed = ", ".join("{" + name + "}" for name in values)
        where = {"path": s.path, "key": ".".join(keys), "row": _line_of(lines, keys)}
        try:
            fields = list(string.Formatter().parse(str(text)))
        except ValueError as exc:
            s.problems.add(f"cannot fill {text!r} ({type(exc).__name__}: {exc}); it may use {allowed}", **where)
            continue
        for _, name, spec, conversion in fields:
            if name is None:
                continue
            if name not in values:
                reach = " (no attribute or item may be reached from a field)" if "." in name or "[" in name else ""
                s.problems.add(f"cannot fill {text!r}: there is no field {{{name}}}{reach}; it may use {allowed}",
                               **where)
            elif conversion or _too_wide(spec):
                s.problems.add(f"cannot fill {text!r}: write fields as plain {{name}}, with a width of at most "
                               f"{MAX_LABEL_WIDTH}; it may use {allowed}", **where)


def _line_of(lines: list[str], keys: tuple[str, ...]) -> int | None:
    """The line (from 1) where the label at ``keys`` is written, found key by key down the file."""
    start = 0
    found = None
    for key in keys:
        pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:")
        found = next((i for i in range(start, len(lines)) if pattern.match(lines[i])), None)
        if found is None:
            return None
        start = found + 1
    return found + 1 if found is not None else None


def _too_wide(spec: str | None) -> bool:
    """True for a format spec that is not a small padding (e.g. '>2'), or that nests fields."""
    if not spec:
        return False
    if "{" in spec:
        return True
    digits = "".join(c if c.isdigit() else " " for c in spec).split()
    return any(int(d) > MAX_LABEL_WIDTH for d in digits)
