"""Word documents (``.docx``) as witnesses, through python-docx (``pip install 'aligner[docx]'``).

Paragraphs come in document order with their kind: a ``Heading N`` or ``Title`` style is
a heading of level N (``Title`` 1), a list style or numbering makes an item; tables are
read row by row, a cell a paragraph. A DOCX file is a zip of XML parts, so there is no
line:column in it to point at: the witness's source is its extracted text, one paragraph
a line, and positions count paragraphs (line) and characters (column).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from aligner.errors import InputError, UsageError
from aligner.files import LIMIT_HINT, MAX_INPUT_BYTES
from aligner.model import Block, BlockKind, Witness
from aligner.rules import DOCX_HEADING_STYLE, DOCX_LIST_STYLE

__all__ = ["read"]


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise UsageError("reading DOCX needs python-docx: pip install 'aligner[docx]'") from None
    return docx


def _kind(paragraph: Any) -> Block:
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = DOCX_HEADING_STYLE.match(style or "")
    if heading:
        return Block(BlockKind.HEAD, int(heading.group(1)))
    if style == "Title":
        return Block(BlockKind.HEAD, 1)
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if numbered or DOCX_LIST_STYLE.search(style or ""):
        return Block(BlockKind.ITEM)
    return Block(BlockKind.P)


def _blocks(document: Any) -> Iterator[tuple[Block, str]]:
    """Paragraphs and table cells in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            yield _kind(item), item.text
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        yield Block(BlockKind.P), paragraph.text


def _refuse_bombs(data: bytes, path: str) -> None:
    """A DOCX is a zip: what it unpacks to is held to the same limit as any input."""
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # python-docx says what is wrong with it
    if unpacked > MAX_INPUT_BYTES:
        raise InputError(path, f"unpacks to {unpacked:,} bytes, more than {MAX_INPUT_BYTES:,}", LIMIT_HINT)


def read(data: bytes, path: str, siglum: str, encoding: str | None) -> Witness:
    """A DOCX document as a witness: its paragraphs, one a line."""
    del encoding  # the XML inside declares its own
    docx = _docx()
    _refuse_bombs(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx raises zip, XML and key errors alike for a damaged file
        raise InputError(
            path, f"not a readable DOCX file ({type(err).__name__})", "open and re-save it in Word"
        ) from None
    found = [(kind, " ".join(text.split())) for kind, text in _blocks(document)]
    found = [(kind, text) for kind, text in found if text]
    if not found:
        raise InputError(path, "has no text", "give an edition with text")
    source = "\n".join(text for _, text in found)
    return Witness.of_file(data, path, siglum, source, format="docx", blocks=tuple(kind for kind, _ in found))
