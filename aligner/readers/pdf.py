"""PDF editions through pypdfium2 (``pip install 'aligner[pdf]'``): text lines, and where they stand.

pdfium gives every character with its box and font size. Characters are gathered into
lines (pdfium's own line breaks, and a jump of the baseline, which is how a line that
ends in a soft hyphen shows); each line keeps where it starts and ends on the page, its
baseline and its font size (:class:`~aligner.model.LaidLine`), so that reflow can see
indents, short last lines, the extra space between paragraphs and larger headings rather
than guess them from text. A soft hyphen pdfium found at a line end comes back as ``-``:
whether it goes is reflow's decision, as for any text.

The witness's source is the text of the lines, one per line, pages separated by a form
feed; positions count lines from the top of each page (``page``, ``line``, ``column``).
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aligner.errors import InputError, UsageError
from aligner.model import LaidLine, Witness
from aligner.rules.characters import BLANK_CODEPOINTS

__all__ = ["read"]

LINE_BREAKS = frozenset({0x0D, 0x0A})  # pdfium's generated line breaks
SOFT_HYPHEN = 0x02  # what pdfium gives for a hyphen it took to be a word broken at the line end


def _pdfium() -> tuple[Any, Any]:
    try:
        import pypdfium2
        import pypdfium2.raw
    except ImportError:
        raise UsageError("reading PDF needs pypdfium2: pip install 'aligner[pdf]'") from None
    return pypdfium2, pypdfium2.raw


Display = Callable[[float, float], tuple[float, float]]


def _display(rotation: int, box: tuple[float, float, float, float]) -> Display:
    """PDF user space to the page as displayed (its /Rotate applied), origin at the bottom left."""
    left, bottom, right, top = box
    turns: dict[int, Display] = {
        0: lambda x, y: (x - left, y - bottom),
        90: lambda x, y: (y - bottom, right - x),
        180: lambda x, y: (right - x, top - y),
        270: lambda x, y: (top - y, x - left),
    }
    return turns[rotation % 360]


@dataclass
class _Line:
    baseline: float  # from the top of the page
    chars: list[str] = field(default_factory=list)
    left: float | None = None
    right: float = 0.0
    reach: float = 0.0  # the rightmost point so far, for telling a new line from a wide glyph
    sizes: Counter[float] = field(default_factory=Counter)

    def laid(self, page: int) -> LaidLine:
        size = self.sizes.most_common(1)[0][0] if self.sizes else 0.0
        left = self.left if self.left is not None else 0.0
        return LaidLine(page, round(left, 2), round(self.right, 2), round(self.baseline, 2), size)

    def text(self) -> str:
        return "".join(self.chars).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _page_lines(pdfium: Any, raw: Any, page: Any, number: int) -> Iterator[tuple[str, LaidLine]]:
    """The text lines of one page, in pdfium's reading order, with where each stands."""
    _, height = page.get_size()
    display = _display(page.get_rotation(), page.get_bbox())
    textpage = page.get_textpage()
    x, y, box, matrix = ctypes.c_double(), ctypes.c_double(), raw.FS_RECTF(), raw.FS_MATRIX()
    line: _Line | None = None
    box_height, size = -1.0, 0.0
    try:
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage, i)
            if code in LINE_BREAKS:
                if line is not None and line.chars:
                    yield line.text(), line.laid(number)
                line = None
                continue
            raw.FPDFText_GetCharOrigin(textpage, i, x, y)
            at_x, at_y = display(x.value, y.value)
            raw.FPDFText_GetLooseCharBox(textpage, i, box)
            (x0, _), (x1, _) = display(box.left, box.bottom), display(box.right, box.top)
            glyph = box.top - box.bottom
            if abs(glyph - box_height) > 0.01 * max(glyph, 1e-6):  # the size only changes with the glyph box
                raw.FPDFText_GetMatrix(textpage, i, matrix)
                scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
                size = raw.FPDFText_GetFontSize(textpage, i) * scale
                box_height = glyph
            baseline = height - at_y
            if line is not None and line.chars:
                common = line.sizes.most_common(1)[0][0] if line.sizes else size
                tolerance = 0.4 * max(common, 1.0)
                if abs(baseline - line.baseline) > tolerance or at_x < line.reach - 3 * tolerance:
                    yield line.text(), line.laid(number)  # a line joined at a soft hyphen: no break from pdfium
                    line = None
            if line is None:
                line = _Line(baseline, reach=at_x)
            line.chars.append("-" if code == SOFT_HYPHEN else chr(code))
            if code not in BLANK_CODEPOINTS:
                left, right = min(x0, x1), max(x0, x1)
                line.left = left if line.left is None else line.left
                line.right = right
                line.reach = max(line.reach, right)
                line.sizes[round(size * 2) / 2] += 1
        if line is not None and line.chars:
            yield line.text(), line.laid(number)
    finally:
        textpage.close()


def read(data: bytes, path: str, siglum: str, encoding: str | None) -> Witness:
    """A PDF as a witness: its lines of text with their layout; pages end in form feeds."""
    del encoding  # a PDF says what its characters are
    pdfium, raw = _pdfium()
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        problem = " ".join(str(err).split())[:120]
        raise InputError(path, f"not a readable PDF ({problem})", "check that it opens, and is not encrypted") from None
    pages: list[str] = []
    layout: list[LaidLine] = []
    try:
        for number in range(len(document)):
            page = document[number]
            try:
                lines = [(text, laid) for text, laid in _page_lines(pdfium, raw, page, number) if text.strip()]
            finally:
                page.close()
            pages.append("\n".join(text for text, _ in lines))
            layout += [laid for _, laid in lines]
    finally:
        document.close()
    source = "\n\f".join(pages)
    if not source.strip():
        raise InputError(path, "has no text layer (a scan?)", "run OCR on it first, or give a text edition")
    return Witness.of_file(data, path, siglum, source, format="pdf", layout=tuple(layout))
