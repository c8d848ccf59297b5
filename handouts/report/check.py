"""``handouts check``: measure a finished handout PDF the way a patient would feel it.

Smallest printed text size, every font embedded, reading level of the
instruction text (Flesch-Kincaid grade for English, Fernández-Huerta score
for Spanish), no exercise card or checklist week split across pages (a week
taller than a page is printed in parts, and must measure so), the
safety warnings present, the page count and how full each page is (a page
left half empty must be one a card or week too tall for the rest of it
forced). Works on the PDF alone: the card and week marks and the language
are read from the file.

Needs the optional packages of ``pip install "handouts[tools]"`` (pypdfium2 reads
the pages, pdfplumber groups their lines, textstat scores the reading level).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from handouts.errors import InputError
from handouts.render.pdf.assemble import BODY_START
from handouts.report.fill import HALF_EMPTY, PageReport, body_frame, crowded, measure_read
from handouts.report.read_pages import ReadPage, read_pages

MAX_GRADE_EN = 7.0
MIN_HUERTA_ES = 70.0
_SENTENCE_END = re.compile(r"[.!?]$")


@dataclass(frozen=True)
class Measure:
    """One measured property, whether it passes, and what was found."""

    name: str
    value: str
    ok: bool
    detail: str = ""


@dataclass
class CheckReport:
    """All measures of one PDF."""

    path: Path
    language: str
    pages: int
    measures: list[Measure] = field(default_factory=list)
    layout: PageReport | None = None  # every body page's fill, the cards and weeks
    cover: str = ""  # what the cover pages are, reported apart: they are not judged

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.measures)

    def measure(self, name: str) -> Measure:
        return next(m for m in self.measures if m.name == name)


def _require() -> Any:
    try:
        import pdfplumber  # noqa: F401  (lines of text are grouped by its tools)
        import textstat
    except ImportError:
        raise InputError('the check needs extra packages: pip install "handouts[tools]"') from None
    return textstat


def check_pdf(path: Path, *, min_size: float = 12.0, safety_phrases: Iterable[str] = (),
              page_targets: bool = True, password: str | None = None) -> CheckReport:
    """Measure ``path`` (opened with ``password`` if it is encrypted); every one of ``safety_phrases``
    must appear. Only the handout's own pages are judged: the clinic's cover pages come before the
    body and are reported apart (their fonts, for instance, are the clinic's business).

    With ``page_targets`` a page left half empty fails unless a card or week forced it (large
    print, where a card can fill most of a page, reports the pages without failing).
    """
    textstat = _require()
    reader = _open(path, password)
    try:
        language = str(reader.trailer["/Root"].get("/Lang", "en"))
        marks = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
        first = marks.get(BODY_START) or 0
        fonts = _fonts(reader.pages[first:])
        cover_fonts = _fonts(reader.pages[:first])
        report = CheckReport(path, language, len(reader.pages))
    except (OSError, PyPdfError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read this PDF: {exc}", path=path) from None
    every = read_pages(path, password=password)
    pages = every[first:]
    sizes = [c["size"] for page in pages for c in _body_chars(page)]
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    prose = _prose(pages)
    layout = measure_read(reader, every, name=path)  # the pages read once, for both

    smallest = min(sizes, default=0.0)
    report.measures.append(Measure("smallest body text", f"{smallest:.1f} pt", smallest >= min_size - 0.05,
                                   f"needs at least {min_size:g} pt"))
    missing = sorted(name for name, embedded in fonts.items() if not embedded)
    report.measures.append(Measure("fonts embedded", f"{len(fonts) - len(missing)} of {len(fonts)}", not missing,
                                   ", ".join(missing)))
    report.measures.append(_reading_level(textstat, language, prose))
    starts = [name for name in marks if name.startswith("card-") and name.endswith("-start")]
    split = sorted(name[: -len("-start")] for name in starts if marks[name] != marks.get(name[: -len("start")] + "end"))
    cards = len(starts)
    report.measures.append(Measure("cards kept whole", f"{cards - len(split)} of {cards}", not split,
                                   ", ".join(split)))
    report.layout = layout
    weeks = [b for b in layout.blocks if b.name.startswith("week-")]
    tall = [b.name for b in weeks if layout.in_parts(b)]
    split_weeks = [b.name for b in weeks if not b.whole and b.name not in tall]
    if weeks:
        whole = sum(1 for b in weeks if b.whole)
        parts = f" ({', '.join(tall)} taller than a page: printed in parts)" if tall else ""
        shown = f"{whole} of {len(weeks)}{parts}"
        report.measures.append(Measure("weeks kept whole", shown, not split_weeks, ", ".join(split_weeks)))
    crowding = {page.number: crowded(page) for page in pages}  # None: a page without the QR and markers
    close = [number for number, count in crowding.items() if count]  # pages from 1, cover included
    if any(count is not None for count in crowding.values()):
        report.measures.append(Measure("QR and markers clear", "yes" if not close else f"no: page {close[0]}",
                                       not close, "letters or lines in the blank paper around the QR or markers "
                                       "on page " + ", ".join(str(n) for n in close)))
    absent = [p for p in safety_phrases if " ".join(p.split()) not in text]
    report.measures.append(Measure("safety warnings", "present" if not absent else "missing", not absent,
                                   "; ".join(absent)))
    fills = " ".join(f"{page.fill:.0%}" for page in layout.pages)
    report.measures.append(Measure("pages", f"{report.pages} (filled {fills})", report.pages > 0))
    half = layout.half_empty()
    unforced = layout.unforced()
    forced = [f"page {p.number} ({p.fill:.0%}, {layout.forced_by(p).name} did not fit)"  # type: ignore[union-attr]
              for p in half if p not in unforced]
    value = f"{len(half)}" + (f": {'; '.join(forced)}" if forced else "")
    report.measures.append(Measure("half-empty pages", value, not (page_targets and unforced),
                                   "not forced by a card, week or box: " + ", ".join(
                                       f"page {p.number} ({p.fill:.0%})" for p in unforced)))
    report.cover = _cover_note(first, cover_fonts)
    return report


def _cover_note(pages: int, fonts: dict[str, bool]) -> str:
    """A line about the cover pages, which are not judged."""
    if not pages:
        return ""
    loose = sorted(name for name, embedded in fonts.items() if not embedded)
    return (f"{pages} cover page{'s' if pages != 1 else ''} (the clinic's, not judged)"
            + (f"; fonts not embedded: {', '.join(loose)}" if loose else ""))


def _open(path: Path, password: str | None) -> PdfReader:
    """The PDF at ``path``, decrypted with ``password`` when it is encrypted."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            if not password:
                raise InputError("the PDF is encrypted; pass --password-env VAR with its password", path=path)
            if not reader.decrypt(password):
                raise InputError("the password does not open this PDF", path=path)
        return reader
    except (OSError, PyPdfError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read this PDF: {exc}", path=path) from None


def pdf_language(path: Path, *, password: str | None = None) -> str:
    """The language a handout declares (its catalog's /Lang), 'en' when it declares none."""
    try:
        return str(_open(path, password).trailer["/Root"].get("/Lang", "en"))
    except (OSError, PyPdfError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read this PDF: {exc}", path=path) from None


def _body_chars(page: ReadPage) -> list[dict[str, Any]]:
    """The printed characters between the running header and footer (a checklist page's foot is taller)."""
    top, bottom = body_frame(page)
    return [c for c in page.chars if c["text"].strip() and top <= c["top"] and c["bottom"] <= bottom]


def _fonts(pages: Iterable[Any]) -> dict[str, bool]:
    """Every font used on any of ``pages``, and whether its glyphs are embedded."""
    found: dict[str, bool] = {}
    every = [(page.get("/Resources") or {}) for page in pages]
    seen: set[int] = set()
    while every:  # the pages' resources, and those of the forms they draw (a cover page is one)
        resources = every.pop().get_object()
        for xobject in (resources.get("/XObject") or {}).values():
            number = getattr(xobject, "idnum", None)
            form = xobject.get_object()
            if form.get("/Subtype") == "/Form" and "/Resources" in form and number not in seen:
                seen.add(number)  # type: ignore[arg-type]
                every.append(form["/Resources"])
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = found.get(str(font.get("/BaseFont")), True) and embedded
    return found


def _prose(pages: list[ReadPage]) -> str:
    """The running sentences of the pages: no header, footer, headings, table labels or grids.

    Lines are grouped into paragraphs by their left edge and spacing; a group
    with no sentence punctuation (a dose label, a grid cell) is not prose.
    """
    sentences: list[str] = []
    sizes = Counter(round(c["size"], 1) for page in pages for c in page.chars if c["text"].strip())
    body = sizes.most_common(1)[0][0] if sizes else 12.0
    for page in pages:
        top, bottom = body_frame(page)
        lines = [line for line in page.extract_text_lines() if top <= line["top"] and line["bottom"] <= bottom
                 and line["chars"][0]["size"] <= body * 1.1]  # headings are not prose
        group: list[dict[str, Any]] = []
        for line in lines + [None]:  # type: ignore[list-item]
            if group and (line is None or abs(line["x0"] - group[-1]["x0"]) > 30
                          or line["top"] - group[-1]["bottom"] > group[-1]["chars"][0]["size"]):
                paragraph = " ".join(part["text"] for part in group)
                if _SENTENCE_END.search(paragraph) and len(paragraph.split()) >= 3:
                    sentences.append(re.sub(r"^\d{1,2}\.\s+|^•\s+", "", paragraph))
                group = []
            if line is not None:
                group.append(line)
    return " ".join(sentences)


def _reading_level(textstat: Any, language: str, prose: str) -> Measure:
    if not prose:
        return Measure("reading level", "no prose found", False)
    if language == "es":
        textstat.set_lang("es")
        score = textstat.fernandez_huerta(prose)
        return Measure("reading level", f"Fernández-Huerta {score:.0f}", score >= MIN_HUERTA_ES,
                       f"needs {MIN_HUERTA_ES:g} or more (higher is easier)")
    textstat.set_lang("en")
    grade = textstat.flesch_kincaid_grade(prose)
    return Measure("reading level", f"grade {grade:.1f}", grade <= MAX_GRADE_EN,
                   f"needs grade {MAX_GRADE_EN:g} or lower (Flesch-Kincaid)")


def format_report(report: CheckReport) -> str:
    """A small table for the terminal."""
    lines = [f"{report.path} ({report.language}, {report.pages} pages)"]
    for m in report.measures:
        note = f"  ({m.detail})" if m.detail and not m.ok else ""
        lines.append(f"  {'ok  ' if m.ok else 'FAIL'} {m.name:<18} {m.value}{note}")
    if report.cover:
        lines.append(f"  note {'cover':<18} {report.cover}")
    return "\n".join(lines)


def format_pages(reports: list[CheckReport]) -> str:
    """One line per file: its pages, the body pages (covers left out), the half-empty ones, and a total."""
    width = max([len(str(r.path)) for r in reports] + [4])
    lines = [f"{'file':<{width}}  pages  body  half-empty (under {HALF_EMPTY:.0%}, not last)"]
    for r in reports:
        body = len(r.layout.pages) if r.layout else r.pages
        half = len(r.layout.half_empty()) if r.layout else 0
        lines.append(f"{str(r.path):<{width}}  {r.pages:>5}  {body:>4}  {half:>4}")
    body_total = sum(len(r.layout.pages) if r.layout else r.pages for r in reports)
    half_total = sum(len(r.layout.half_empty()) if r.layout else 0 for r in reports)
    lines.append(f"{'total':<{width}}  {sum(r.pages for r in reports):>5}  {body_total:>4}  {half_total:>4}")
    return "\n".join(lines)
