"""Reading a PDF back for the tests: its pages' text (pypdfium2, PDFium's own extraction) and a
rendered page's pixels. WeasyPrint and pypdfium2 are the `pdf` extra and dev dependencies; the
tests that need them skip cleanly without."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest


def pdf_available() -> bool:
    """WeasyPrint with its Pango library (an OSError without it), and pypdfium2, both importable."""
    try:
        import pypdfium2  # noqa: F401
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def need_pdf() -> Any:
    if not pdf_available():
        pytest.skip("the pdf extra (WeasyPrint and Pango) or pypdfium2 (a dev dependency) is not installed")
    import pypdfium2

    return pypdfium2


def pages_text(pdf: bytes) -> list[str]:
    pdfium = need_pdf()
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


#: PDFium marks a line broken at a hyphen or inside a word with U+FFFE (or a soft hyphen)
_BREAKS = re.compile("[\ufffe\u00ad]")


def flowing(pdf: bytes) -> str:
    """All pages' text with each run of blanks and line breaks one space: phrases as they read."""
    return re.sub(r"\s+", " ", _BREAKS.sub("", "\n".join(pages_text(pdf))))


def joined(pdf: bytes) -> str:
    """All pages' text with every blank and line-break mark removed: a canary that a table cell
    wrapped across lines is still found whole (canaries hold no blanks)."""
    return re.sub(r"\s+", "", _BREAKS.sub("", "".join(pages_text(pdf))))


@dataclass
class PageImage:
    width: int
    height: int
    size_points: tuple[float, float]
    pages: int
    #: one grey level (0 black .. 255 white) per pixel, row by row
    grey: list[list[int]]

    def dark_share(self, x0: float, y0: float, x1: float, y1: float, below: int = 96) -> float:
        """The share of pixels darker than `below` in the box given as fractions of the page."""
        rows = self.grey[int(y0 * self.height):int(y1 * self.height)]
        cells = [v for row in rows for v in row[int(x0 * self.width):int(x1 * self.width)]]
        return sum(1 for v in cells if v < below) / max(1, len(cells))


def first_page(pdf: bytes, scale: float = 1.0) -> PageImage:
    """Page 1 rendered by PDFium at `scale` × 72 dpi, as grey levels."""
    pdfium = need_pdf()
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        size = page.get_size()
        bitmap = page.render(scale=scale, grayscale=True)
        width, height, stride, channels = bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels
        buffer = bytes(bitmap.buffer)
        # grey pixels come as identical B, G, R (and X) bytes: the first of each pixel is its level
        grey = [[buffer[y * stride + x * channels] for x in range(width)] for y in range(height)]
        return PageImage(width, height, (round(size[0], 1), round(size[1], 1)), len(doc), grey)
    finally:
        doc.close()
