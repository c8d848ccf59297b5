"""Scans and photos in: every page of the files given, as an image, or a clear reason it is refused.

PDFs (a scanner's multi-page file) are drawn at 200 dpi with pypdfium2 when it is
installed, else their page images are taken out with pypdf; JPEG and PNG are read
as they are. A 1-bit (black and white, fax-like) scan loses the faint and thin marks
a tick may be, so it is refused with a request to scan in greyscale.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import ScanError

PDF_DPI = 200
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_BYTES = 80 * 1024 * 1024  # a scan or photo larger than this is refused, not read into memory
MAX_PIXELS = 60_000_000
ONE_BIT = "is a 1-bit (black and white) scan, which loses faint and thin ticks; scan it again in greyscale or colour"


@dataclass
class PageImage:
    """One page to read: where it came from and its pixels (BGR, uint8)."""

    source: Path
    page: int  # 1-based within its file
    pixels: Any  # numpy array, height x width x 3

    @property
    def name(self) -> str:
        return f"{self.source.name} page {self.page}" if self.source.suffix.lower() == ".pdf" else self.source.name


def _cv2() -> Any:
    import cv2

    return cv2


def _refuse_one_bit(pixels: Any, source: Path, page: int | None = None) -> None:
    import numpy

    sample = pixels[:: max(1, pixels.shape[0] // 400), :: max(1, pixels.shape[1] // 400)]
    if numpy.unique(sample).size <= 2:
        raise ScanError(ONE_BIT, path=source, row=page)


def _decode(data: bytes, source: Path, page: int | None = None) -> Any:
    import numpy

    cv2 = _cv2()
    array = numpy.frombuffer(data, dtype=numpy.uint8)
    image = cv2.imdecode(array, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ScanError("cannot be read as an image (damaged, or not a JPEG or PNG)", path=source, row=page)
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ScanError(f"is too large ({image.shape[1]} x {image.shape[0]} pixels); scan at 300 dpi or less",
                        path=source, row=page)
    if image.dtype != numpy.uint8:
        image = (image / 257).astype(numpy.uint8)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    _refuse_one_bit(image, source, page)
    return image


def _pdf_pages(source: Path, data: bytes) -> Iterator[PageImage]:
    """Every page of a scanned PDF as an image; refused when the scanner wrote 1-bit images."""
    import numpy

    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - pypdf is a core dependency
        raise
    import io

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ScanError("is encrypted; save the scan without a password", path=source)
        one_bit = []
        for number, page in enumerate(reader.pages, start=1):
            for image in page.images:
                obj = image.indirect_reference.get_object() if image.indirect_reference else {}
                bits = obj.get("/BitsPerComponent") if hasattr(obj, "get") else None
                filters = str(obj.get("/Filter", "")) if hasattr(obj, "get") else ""
                if bits == 1 or "CCITT" in filters or "JBIG2" in filters or (hasattr(obj, "get") and obj.get("/ImageMask")):
                    one_bit.append(number)
        count = len(reader.pages)
    except PyPdfError as exc:
        raise ScanError(f"cannot be read as a PDF ({exc})", path=source) from None
    if one_bit:
        raise ScanError(ONE_BIT, path=source, row=one_bit[0])
    try:
        import pypdfium2
    except ImportError:
        pypdfium2 = None
    if pypdfium2 is not None:
        document = pypdfium2.PdfDocument(data)
        for number in range(count):
            bitmap = document[number].render(scale=PDF_DPI / 72)
            pixels = numpy.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
            if bitmap.mode in ("RGB", "RGBA", "RGBX"):
                pixels = pixels[:, :, ::-1].copy()
            yield PageImage(source, number + 1, pixels)
        return
    for number, page in enumerate(reader.pages, start=1):  # no pypdfium2: the largest image of each page
        images = sorted(page.images, key=lambda i: len(i.data), reverse=True)
        if not images:
            raise ScanError("has a page with no scanned image; install pypdfium2 to read PDFs drawn as vectors",
                            path=source, row=number)
        yield PageImage(source, number, _decode(images[0].data, source, number))


def page_images(path: str | Path) -> Iterator[PageImage]:
    """The pages of one scan or photo file, in order (ScanError when the file cannot be used)."""
    source = Path(path)
    if not source.is_file():
        raise ScanError("no such file" if not source.exists() else "is not a regular file", path=source)
    suffix = source.suffix.lower()
    if suffix in (".heic", ".heif"):
        raise ScanError("is a HEIC photo; save it as JPEG first (on an iPhone: Settings, Camera, Formats, Most "
                        "Compatible)", path=source)
    if suffix != ".pdf" and suffix not in IMAGE_SUFFIXES:
        raise ScanError("is not a PDF, JPEG or PNG file", path=source)
    if source.stat().st_size > MAX_BYTES:
        raise ScanError(f"is larger than {MAX_BYTES // (1024 * 1024)} MB; scan at 300 dpi or less", path=source)
    data = source.read_bytes()
    if suffix == ".pdf":
        yield from _pdf_pages(source, data)
    else:
        yield PageImage(source, 1, _decode(data, source))
