"""Reading editions: any format aligner knows, to one :class:`~aligner.model.Witness`.

The format is recognised from the content first (a PDF's ``%PDF-``, a DOCX's zip, a TEI
or HTML root), then from the extension, and ``format=`` forces one. Each format has its
reader in :mod:`aligner.readers`; all give a witness whose offset map leads back into the
file as the user has it. ``-`` is standard input.

>>> detect_format(b"%PDF-1.7 ...", "plan"), detect_format(b"<!DOCTYPE html><html>", "x")
('pdf', 'html')
>>> detect_format(b"plain words", "a.txt"), detect_format(b"<?xml version='1.0'?><TEI>", "e.xml")
('text', 'tei')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

import regex

from aligner.errors import DecodeError, InputError, UsageError
from aligner.files import STDIO, read_input
from aligner.model import Witness
from aligner.readers.text import decode, mostly_binary, utf16_without_bom

__all__ = ["EXTENSIONS", "FORMATS", "decode", "detect_format", "read_witness", "siglum_for"]

NCNAME = regex.compile(r"^[\p{L}_][\p{L}\p{N}._-]*$")
# format -> the reader module with ``read(data, path, siglum, encoding) -> Witness``
FORMATS = {
    "text": "",
    "pdf": "aligner.readers.pdf",
    "html": "aligner.readers.html_page",
    "docx": "aligner.readers.docx",
    "tei": "aligner.readers.tei",
}
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".xml": "tei",
    ".tei": "tei",
}
HTML_START = regex.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", regex.I | regex.S
)
TEI_ROOT = regex.compile(rb"<(?:TEI|teiCorpus)[\s>]")
XML_START = regex.compile(rb"^\s*<(?:\?xml|[A-Za-z])")


def detect_format(head: bytes, path: str | Path) -> str:
    """``text``, ``pdf``, ``html``, ``docx`` or ``tei``: by the first bytes, then by the extension."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and (b"word/" in head or Path(str(path)).suffix.lower() == ".docx"):
        return "docx"
    if HTML_START.match(head[:4096]):
        return "html"
    if XML_START.match(head) and TEI_ROOT.search(head[:4096]):
        return "tei"
    return EXTENSIONS.get(Path(str(path)).suffix.lower(), "text")


def siglum_for(path: str | Path) -> str:
    """The default siglum: the file's stem, made a valid XML NCName (``stdin`` for ``-``)."""
    if str(path) == STDIO:
        return "stdin"
    stem = regex.sub(r"[^\p{L}\p{N}._-]+", "-", Path(path).stem).strip("-") or "w"
    return stem if NCNAME.match(stem) else f"w-{stem}"


def _sniff(path: str | Path, forced: str | None) -> Callable[[bytes], None]:
    """Refuse, after the first block, what is binary without being a format aligner reads."""

    def sniff(head: bytes) -> None:
        if (forced or detect_format(head, path)) in ("pdf", "docx"):
            return
        # One stray NUL in a text file is dropped later with a warning; refuse only what is mostly binary.
        if b"\x00" in head and mostly_binary(head) and not _could_be_utf16(head):
            raise DecodeError(path, "binary data, not text", "give a text, PDF, HTML, DOCX or TEI edition")

    return sniff


def _could_be_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head) is not None


def read_witness(
    path: str | Path,
    siglum: str | None = None,
    *,
    kind: str = "",
    format: str | None = None,
    encoding: str | None = None,
) -> Witness:
    """Read one edition in any format aligner knows; refuse what cannot be read, in one line.

    ``format`` forces a reader (``text``, ``pdf``, ``html``, ``docx``, ``tei``);
    ``encoding`` forces the text encoding (the encoding used is recorded either way).
    """
    name = str(path)
    if siglum is not None and not NCNAME.match(siglum):
        raise InputError(name, f"siglum {siglum!r} is not an XML name", "use letters, digits, '-', '_'")
    if format is not None and format not in FORMATS:
        raise UsageError(f"--format {format!r}: choose from {', '.join(FORMATS)}")
    data = read_input(path, sniff=_sniff(path, format))
    chosen = format or detect_format(data[:4096], path)
    if chosen == "text":
        witness = _text(data, name, siglum or siglum_for(path), encoding)
    else:
        reader = import_module(FORMATS[chosen])
        witness = reader.read(data, name, siglum or siglum_for(path), encoding)
    if not witness.body.strip():
        raise InputError(name, "is empty (no text)", "give an edition with text")
    return dataclasses.replace(witness, kind=kind) if kind else witness


def _text(data: bytes, name: str, siglum: str, encoding: str | None) -> Witness:
    text, used = decode(data, name, encoding)
    return Witness.of_file(data, name, siglum, text, encoding=used)
