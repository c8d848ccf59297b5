"""Page sizes, margins, colours and paragraph styles: one place for how a handout looks."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, TableStyle

from handouts.model.document import PageSetup
from handouts.model.layout import BAND, MM
from handouts.render.pdf import caches
from handouts.render.pdf.caches import style_key
from handouts.render.pdf.fonts import FONT, FONT_BOLD, primed, register_fonts
from handouts.render.pdf.portable import Portable, draw_recorded, filled, portable

PAGE_SIZES = {"letter": LETTER, "a4": A4}
BODY_SIZE = 12.5
LARGE_BODY_SIZE = 16.0
MARGIN = 12 * mm
HEADER_SPACE = 10 * mm  # below the top margin, for the running header
FOOTER_SPACE = 9 * mm  # above the bottom margin, for the running footer

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#4A4A4A")  # 8.9:1 on white
RULE = colors.HexColor("#8C8C8C")
TINT = colors.HexColor("#EEF3F8")  # card dose strip and checklist header
WARN_BORDER = colors.HexColor("#A40000")  # 8.2:1 on white; the safety box also has a heading
WARN_FILL = colors.HexColor("#FFF4F2")


#: Markup split at its tags (a tag, then the words up to the next one).
_TAGS = re.compile(r"(<[^>]*>)")
#: What keeps words from going into a fragment as they are: an entity, a control or private-use
#: character (the placeholders), or whitespace the parser's cleaner would fold.
_NOT_PLAIN = re.compile(r"[&\x00-\x1f\x7f\ue000-\uf8ff]|\s\s|^\s|\s$")
_PLACE = 0xE000  # the first placeholder: a private-use character


def _shaped(text: str, style: Any, bullet: Any, cleaner: Any, key: tuple[Any, ...]
            ) -> tuple[Any, list[Any], Any, str] | None:
    """The parse of ``text`` made from the parse of its shape, when ``text`` is words in tags (a patient's
    name in bold): the shape (the markup with each run of words a placeholder) is parsed once per process
    and its fragments take the words; None when ``text`` is not of that kind or its shape not simple.

    A new name was the one paragraph of a warm handout parsed afresh. Such words go into the parser's
    fragments as they are (no entity to decode, no whitespace to fold), so the fragments made here are
    those the parser makes for ``text`` itself (a property test holds the two equal)."""
    if bullet is not None or getattr(style, "textTransform", None) or _NOT_PLAIN.search(text):
        return None
    pieces = _TAGS.split(text)
    runs = [piece for index, piece in enumerate(pieces) if index % 2 == 0 and piece]
    if not runs or len(runs) > 16 or cleaner(text) != text:
        return None
    places = iter(range(_PLACE, _PLACE + len(runs)))
    shape = "".join(piece if index % 2 or not piece else chr(next(places)) for index, piece in enumerate(pieces))
    shape_key = ("shape", shape, *key[1:])
    template = caches.PARSED.get(shape_key)
    if template is None:
        try:
            parsed = Paragraph(shape, style, caseSensitive=key[3])  # the shape parsed as any markup is
        except ValueError:  # markup the parser refuses: the text itself is parsed, and refused in its words
            return None
        own = None if parsed.style is style else parsed.style
        holes = "".join(getattr(frag, "text", "") for frag in parsed.frags)
        usable = holes == "".join(chr(code) for code in range(_PLACE, _PLACE + len(runs)))
        template = (own, parsed.frags if usable else None, parsed.bulletText, shape)
        caches.PARSED.put(shape_key, template)
    own, frags, parsed_bullet, _ = template
    if frags is None:
        return None
    filled = []
    for frag in frags:
        frag = frag.clone()
        if getattr(frag, "text", ""):
            frag.text = "".join(runs[ord(hole) - _PLACE] for hole in frag.text)
        filled.append(frag)
    return own, filled, parsed_bullet, text


class Text(Paragraph):
    """A Paragraph that remembers its line breaks for the width it was last wrapped to.

    Tables and KeepTogether wrap the same paragraph several times at the same
    width; breaking the lines again each time was a fifth of a handout's time.
    On the fast path the line breaks are also shared between paragraphs of the same
    text, style and width (``caches.WRAPPED``): drawing only reads them. Splitting
    a paragraph changes its fragments, so a paragraph that splits breaks its lines
    afresh into objects of its own first.
    """

    _parse_key: tuple[Any, ...] | None = None
    _shared = False

    def _setup(self, text: str, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:  # noqa: N803
        """Parse the markup once per process for the same text, style and bullet (``caches.PARSED``)."""
        if frags is not None or not caches.enabled() or not isinstance(text, str):
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style_key(style), bulletText if isinstance(bulletText, (str, type(None))) else repr(bulletText),
               self.caseSensitive)
        self._parse_key = key
        found = caches.PARSED.get(key) or _shaped(text, style, bulletText, cleaner, key)
        if found is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            # the parser returns the style it was given unless the markup set its own (<para ...>)
            own = None if self.style is style else self.style
            caches.PARSED.put(key, (own, [frag.clone() for frag in self.frags], self.bulletText, self.text))
            return
        caches.PARSED.put(key, found)
        own, parsed_frags, parsed_bullet, cleaned = found
        super()._setup(cleaned, own or style, parsed_bullet, [frag.clone() for frag in parsed_frags], cleaner)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        # id(self): a copy made by split() must wrap afresh; frags: wrapping may replace them;
        # blPara: split() drops it when the paragraph moves on
        key = (id(self), availWidth, id(self.style), id(self.frags))
        if getattr(self, "_wrapped_for", None) != key or not hasattr(self, "blPara"):
            shared = self._shared_key(availWidth)
            found = caches.WRAPPED.get(shared) if shared is not None else None
            if found is not None:
                self.frags, self.blPara, widths, self.height = found
                self._wrapWidths, self.width, self._shared = list(widths), availWidth, True
            else:
                if self._shared:  # shared lines, another width: break them again into objects of our own
                    self.frags, self._shared, self._parse_key = copy.deepcopy(self.frags), False, None
                super().wrap(availWidth, availHeight)
                if shared is not None and availWidth >= 1e-8:
                    caches.WRAPPED.put(shared, (self.frags, self.blPara, tuple(self._wrapWidths), self.height))
                    self._shared = True
            self._wrapped_for = (id(self), availWidth, id(self.style), id(self.frags))
        return self.width, self.height

    def draw(self) -> None:
        """Draw the lines; on the fast path, a paragraph of the same text, style, width and height drawn
        before in this process is written again from the operators it drew (``caches.DRAWN_TEXT``)."""
        canvas = self.canv
        if self._parse_key is None or not caches.enabled() or not hasattr(self, "blPara") or not primed(canvas._doc):
            super().draw()
            return
        found = self._recorded(canvas)
        if found is not None:
            canvas._code.append(filled(canvas, found))
            return
        key = (self._parse_key, self.width, getattr(self, "autoLeading", None), self.height)
        code, annotations, colours = len(canvas._code), len(canvas._annotationrefs), dict(canvas._colorsUsed)
        super().draw()
        if len(canvas._annotationrefs) == annotations and canvas._colorsUsed == colours:  # no links, no spot colours
            recorded = portable("\n".join(canvas._code[code:]), canvas, lambda name: False)
            if recorded is not None:
                caches.DRAWN_TEXT.put(key, recorded)

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803 - ReportLab's names
        found = None if getattr(self, "_showBoundary", None) else self._recorded(canvas)
        if found is None:
            super().drawOn(canvas, x, y, _sW)
        else:
            draw_recorded(self, canvas, x, y, _sW, lambda: canvas._code.append(filled(canvas, found)))

    def _recorded(self, canvas: Any) -> Portable | None:
        """The operators a paragraph of this text, style, width and height drew before in this process."""
        if self._parse_key is None or not caches.enabled() or not hasattr(self, "blPara") or not primed(canvas._doc):
            return None
        return caches.DRAWN_TEXT.get((self._parse_key, self.width, getattr(self, "autoLeading", None), self.height))

    def _shared_key(self, width: float) -> tuple[Any, ...] | None:
        if self._parse_key is None or self._shared or not caches.enabled():
            return None
        return (self._parse_key, width, getattr(self, "autoLeading", None))

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - ReportLab's names
        if self._shared:  # split() changes fragments in place: break the lines again into our own
            self.frags = copy.deepcopy(self.frags)
            self._shared, self._parse_key = False, None
            if hasattr(self, "blPara"):
                del self.blPara
            super().wrap(availWidth, availHeight)
            self._wrapped_for = (id(self), availWidth, id(self.style), id(self.frags))
        return super().split(availWidth, availHeight)


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A TableStyle whose cells use the shipped font (a plain string cell would fall back to Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), FONT, 12), *commands])


@dataclass(frozen=True)
class Look:
    """Paper, print size and clinic colour: everything a style depends on."""

    paper: str = "letter"
    large_print: bool = False
    accent: str = "#1F4E79"

    @classmethod
    def of(cls, setup: PageSetup) -> Look:
        """The look a document's page setup asks for: one per process for each paper, print size and
        colour, so its styles (never changed once made) and their cache keys are made once."""
        return _look(cls, setup.paper, setup.large_print, setup.accent)

    @property
    def pagesize(self) -> tuple[float, float]:
        return PAGE_SIZES[self.paper]

    @property
    def body_size(self) -> float:
        return LARGE_BODY_SIZE if self.large_print else BODY_SIZE

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - 2 * MARGIN

    @property
    def frame_height(self) -> float:
        return self.pagesize[1] - 2 * MARGIN - HEADER_SPACE - FOOTER_SPACE

    @property
    def sheet_height(self) -> float:
        """The body frame's height on a checklist page, whose foot is kept for the QR page id (``BAND``
        from the paper's edge, where ``pages.BandFrame`` lifts the frame's foot)."""
        return self.frame_height - (BAND * MM - MARGIN - FOOTER_SPACE)

    @property
    def running_size(self) -> float:
        """Size of the running header and footer."""
        return 14.0 if self.large_print else 12.0

    @property
    def accent_colour(self) -> colors.Color:
        return colors.HexColor(self.accent)

    @property
    def tick_size(self) -> float:
        return 18.0 if self.large_print else 15.0  # at least 5 mm (14.2 points), to be read back

    @cached_property
    def styles(self) -> dict[str, ParagraphStyle]:
        """Named paragraph styles, all inheriting from one body style."""
        register_fonts()
        size = self.body_size
        lead = round(size * 1.3, 1)
        # allowWidows=0: a paragraph never leaves its last line alone at the top of a page
        body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=lead, textColor=INK,
                              alignment=TA_LEFT, spaceAfter=size * 0.5, allowWidows=0)

        def derive(name: str, **changes: object) -> ParagraphStyle:
            return ParagraphStyle(name, parent=body, **changes)

        heading_sizes = (24.0, 21.0, 20.0) if self.large_print else (18.0, 16.0, 14.0)
        styles = {
            "body": body,
            "h1": derive("h1", fontName=FONT_BOLD, fontSize=heading_sizes[0], leading=heading_sizes[0] * 1.25,
                         textColor=self.accent_colour, spaceBefore=size * 0.6, spaceAfter=size * 0.5),
            "h2": derive("h2", fontName=FONT_BOLD, fontSize=heading_sizes[1], leading=heading_sizes[1] * 1.25,
                         spaceBefore=size * 0.5, spaceAfter=size * 0.3),
            "h3": derive("h3", fontName=FONT_BOLD, fontSize=heading_sizes[2], leading=heading_sizes[2] * 1.25,
                         spaceBefore=size * 0.3, spaceAfter=size * 0.2),
            "list": derive("list", spaceAfter=size * 0.25),
            "card_title": derive("card_title", fontName=FONT_BOLD, fontSize=heading_sizes[1],
                                 leading=heading_sizes[1] * 1.25, textColor=colors.white, spaceAfter=0),
            "dose_label": derive("dose_label", spaceAfter=0, textColor=MUTED),
            "dose_value": derive("dose_value", fontName=FONT_BOLD, spaceAfter=0),
            # the dose under an exercise's picture: "Hold" in grey, then the value in bold
            "dose_line": derive("dose_line", spaceAfter=0, leading=size * 1.2),
            "cell": derive("cell", spaceAfter=0, leading=size * 1.2),
            "cell_bold": derive("cell_bold", fontName=FONT_BOLD, spaceAfter=0, leading=size * 1.2),
            # the weekly grid's labels: a short line or two in a ruled cell needs less air than prose
            "grid": derive("grid", spaceAfter=0, leading=size * 1.12),
            "grid_bold": derive("grid_bold", fontName=FONT_BOLD, spaceAfter=0, leading=size * 1.12),
        }
        return styles


@lru_cache(maxsize=64)
def _look(cls: type[Look], paper: str, large_print: bool, accent: str) -> Look:
    return cls(paper=paper, large_print=large_print, accent=accent)
