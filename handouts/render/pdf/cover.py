"""A clinic's cover PDF, treated as untrusted input.

The file is size- and page-capped and refused when it is not a PDF, is
encrypted or damaged. Before this process touches it, a child process parses
it and builds the cover pages once, under a time limit, so a crafted file that
sends the parser into a loop or a deep recursion costs one clear error, not a
hung batch. Only the pages' drawing is kept: each page is drawn onto a blank
page of the handout's paper (scaled to fit), without annotations, actions,
scripts, form fields or attachments.

A cover checked by an earlier process (the same bytes, by SHA-256) comes ready from the
disk cache (``cover_cache``): a one-off ``handouts make`` then neither imports nor runs
pypdf for it. Its pages are parsed only if the plain path asks for them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

try:
    import resource  # not on Windows: there only the clock limit applies
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

from handouts.errors import CoverError
from handouts.load.files import Unreadable, open_regular
from handouts.render.pdf import cover_cache
from handouts.render.pdf.ready import ReadyPages

if TYPE_CHECKING:  # pypdf is imported when a cover is parsed (not for one ready from the disk cache)
    from pypdf import PageObject


def _limit_mb(default: float = 20.0) -> float:
    """HANDOUTS_COVER_LIMIT_MB if it holds a positive number, else ``default``."""
    try:
        value = float(os.environ.get("HANDOUTS_COVER_LIMIT_MB", default))
    except ValueError:
        return default
    return value if value > 0 else default


#: Largest cover accepted; a clinic with a heavy cover may raise it with HANDOUTS_COVER_LIMIT_MB.
MAX_COVER_BYTES = int(_limit_mb() * 1_000_000)
MAX_COVER_PAGES = 4
#: Processor seconds the reader of an untrusted cover may use: a crafted PDF that makes it loop is
#: stopped, however busy the machine is (a limit on the clock failed good covers under load).
PARSE_SECONDS = 15.0
#: The clock limit is this many times longer: a backstop for a reader stuck without using the processor.
WAIT_FACTOR = 4
_STRIPPED_PAGE_KEYS = ("/Annots", "/AA", "/B", "/Thumb", "/StructParents")
_TRIAL_SIZES = ((612.0, 792.0), (595.3, 841.9))  # Letter and A4

# pypdf logs repairs of damaged files; they are not the user's business here.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Cover:
    """A checked cover PDF: its pages (parsed when first asked for), their copies scaled to each
    paper size asked for, and the pages as ready form objects."""

    path: Path
    data: bytes = field(repr=False)
    page_count: int
    sha256: str
    _pages: list[tuple[PageObject, ...]] = field(default_factory=list, compare=False, hash=False, repr=False)
    _scaled: dict[tuple[float, float], tuple[PageObject, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False)
    _ready: list[ReadyPages] = field(default_factory=list, compare=False, hash=False, repr=False)

    @property
    def pages(self) -> tuple[PageObject, ...]:
        """The cover's pages as pypdf reads them."""
        if not self._pages:
            self._pages.append(_parse(self.data))
        return self._pages[0]

    def ready(self) -> ReadyPages:
        """The pages as form XObjects serialised once, for ReportLab to write into each handout."""
        if not self._ready:
            from handouts.render.pdf.ready import ready_pages

            self._ready.append(ready_pages(self.pages))
            cover_cache.remember(self.sha256, self.page_count, self._ready[0])
        return self._ready[0]

    def pages_for(self, width: float, height: float) -> tuple[PageObject, ...]:
        """The cover pages drawn on blank pages of ``width`` x ``height`` points."""
        key = (round(width, 1), round(height, 1))
        if key not in self._scaled:
            self._scaled[key] = tuple(_onto_blank(page, width, height) for page in self.pages)
        return self._scaled[key]


def load_cover(path: Path) -> Cover:
    """Read and check a cover PDF once per process (kept by the file's identity: its device and inode,
    size, and modification and change times, so an edited or replaced cover is read afresh).

    Only a regular file is read (a device or a pipe named as the cover is refused), never
    more than the size limit. A cover read before is known by one ``stat`` of its path: a batch
    row asks for it every time.
    """
    try:
        known = _COVERS.get(_identity(os.stat(path)))
    except (OSError, ValueError):
        known = None  # read below, which says what is wrong
    if known is not None:
        return known
    path = path.resolve()
    try:
        with open_regular(path) as stream:
            stat = os.fstat(stream.fileno())
            if stat.st_size > MAX_COVER_BYTES:
                raise CoverError(f"the cover is {stat.st_size / 1e6:.1f} MB; the limit is "
                                 f"{MAX_COVER_BYTES // 1_000_000} MB", path=path)
            key = _identity(stat)
            if key not in _COVERS:
                data = stream.read(MAX_COVER_BYTES + 1)
                if len(data) > MAX_COVER_BYTES:
                    raise CoverError(f"the cover grew past the limit of {MAX_COVER_BYTES // 1_000_000} MB "
                                     "while it was read", path=path)
                _COVERS[key] = _checked(path, data)
                while len(_COVERS) > _KEPT_COVERS:
                    _COVERS.pop(next(iter(_COVERS)))
            return _COVERS[key]
    except Unreadable as exc:
        raise CoverError(str(exc).replace("the file", "the cover"), path=path) from None
    except OSError as exc:
        raise CoverError(f"cannot read the cover: {exc.strerror or exc}", path=path) from None


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    """A file as it is now: a regular file's device, inode, size and times (a device, a pipe or a folder:
    no file read before has it)."""
    if not S_ISREG(stat.st_mode):
        return ()
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


_KEPT_COVERS = 8
_COVERS: dict[tuple[int, ...], Cover] = {}


def _checked(path: Path, data: bytes) -> Cover:
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise CoverError("this is not a PDF file; export the cover page as PDF", path=path)
    digest = hashlib.sha256(data).hexdigest()
    known = cover_cache.known(digest)  # checked and made ready by an earlier process
    if known is not None:
        page_count, ready = known
        return Cover(path, data, page_count, digest, _ready=[ready])
    problem = _check_in_child(data)
    if problem:
        raise CoverError(problem, path=path)
    pages = _parse(data)
    return Cover(path, data, len(pages), digest, _pages=[pages])


def _parse(data: bytes) -> tuple[PageObject, ...]:
    """The cover's pages; raises ValueError with a user-facing message when it cannot be used."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise ValueError("the cover is password-protected; save a copy without a password")
        pages = tuple(reader.pages)
        if not pages:
            raise ValueError("the cover has no pages")
        if len(pages) > MAX_COVER_PAGES:
            raise ValueError(f"the cover has {len(pages)} pages; at most {MAX_COVER_PAGES} are allowed")
        return pages
    except ValueError:
        raise
    except (PyPdfError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OverflowError) as exc:
        raise ValueError(f"the cover PDF is damaged and cannot be used ({type(exc).__name__})") from None


def _trial(data: bytes) -> str:
    """Do everything a handout does with the cover, and report the first problem ('' if none)."""
    from pypdf import PdfWriter
    from pypdf.errors import PyPdfError

    from handouts.render.pdf.ready import ready_pages

    try:
        pages = _parse(data)
        for size in _TRIAL_SIZES:
            writer = PdfWriter()
            for page in pages:
                writer.add_page(_onto_blank(page, *size))
            writer.write(BytesIO())
        ready_pages(pages)
    except ValueError as exc:
        return str(exc)
    except (PyPdfError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OverflowError,
            ZeroDivisionError) as exc:
        return f"the cover PDF is damaged and cannot be used ({type(exc).__name__})"
    return ""


def _child(data: bytes, connection: multiprocessing.connection.Connection, seconds: float) -> None:
    if resource is not None:  # the kernel stops this process once it has used ``seconds`` of processor time
        limit = max(1, math.ceil(seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    connection.send(_trial(data))
    connection.close()


def _check_in_child(data: bytes) -> str:
    """Run ``_trial`` in a child process with a time limit; a hang or a crash is a damaged cover."""
    # fork is quick, but forking a process with other threads running (the web server) can
    # deadlock the child; then a fresh interpreter is started instead.
    methods = multiprocessing.get_all_start_methods()
    others = [thread for thread in threading.enumerate()
              if thread is not threading.current_thread() and not getattr(thread, "fork_safe", False)]
    quick = "fork" in methods and not others
    context = multiprocessing.get_context("fork" if quick else "spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(data, send, PARSE_SECONDS), daemon=True)
    process.start()
    send.close()
    waited = PARSE_SECONDS * (WAIT_FACTOR if resource is not None else 1)
    try:
        if receive.poll(waited):
            return str(receive.recv())
        return f"reading the cover took longer than {waited:g} seconds; it may be damaged or crafted"
    except EOFError:
        process.join()
        if resource is not None and process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
            return (f"reading the cover used more than {PARSE_SECONDS:g} seconds of processor time; "
                    "it may be damaged or crafted")
        return "reading the cover stopped the reader; the PDF is damaged"
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def _onto_blank(page: PageObject, width: float, height: float) -> PageObject:
    """A blank page of the handout's size with the cover page drawn on it, scaled and centred."""
    from pypdf import PageObject, Transformation
    from pypdf.generic import NameObject

    box = page.mediabox
    source_width, source_height = float(box.width), float(box.height)
    blank = PageObject.create_blank_page(width=width, height=height)
    if abs(source_width - width) < 1 and abs(source_height - height) < 1:
        blank.merge_page(page)
    else:
        scale = min(width / source_width, height / source_height)
        dx = (width - source_width * scale) / 2 - float(box.left) * scale
        dy = (height - source_height * scale) / 2 - float(box.bottom) * scale
        blank.merge_transformed_page(page, Transformation().scale(scale).translate(dx, dy))
    for key in _STRIPPED_PAGE_KEYS:
        if key in blank:
            del blank[NameObject(key)]
    return blank
