"""PDF from the HTML reports (issue 14 point 3): WeasyPrint lays out the very HTML the `html` format
writes (one template, one pipeline; its `@page` rules give A4 pages with the TLP label on each), so a
PDF can hold nothing the HTML does not. WeasyPrint is the optional `pdf` extra (D38): it needs the
Pango library from the operating system, which a core install must not demand."""

from __future__ import annotations

from typing import Any, NoReturn

from redhive.errors import OptionalDependencyMissing

__all__ = ["html_to_pdf"]


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # The reports are self-contained: a URL in one (an image in a model's answer, say) is never fetched.
    raise ValueError(f"redhive's PDF reports fetch nothing ({url[:80]!r})")


def html_to_pdf(html: str) -> bytes:
    """The PDF of one self-contained HTML report."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # OSError: WeasyPrint is installed but the Pango library is not
        raise OptionalDependencyMissing("A PDF report (WeasyPrint, with the Pango library)", "pdf") from None
    pdf = HTML(string=html, url_fetcher=_refuse).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return bytes(pdf)
