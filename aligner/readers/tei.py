"""TEI editions as witnesses: ``p``, ``head``, ``item``, ``ab`` and ``l`` are paragraphs, notes are not.

A TEI file with an apparatus is read as one witness: the base of an aligner TEI file
(``listWit/witness[@ana='#aligner.base']``), or else each ``app``'s ``lem`` (or its
first ``rdg``). Parsing is the safe parser of :mod:`aligner.tei.read`: no DTD, no
entities, no network. Positions: a block whose text stands plainly after its start tag
maps character by character; one with markup inside maps to the lines it spans.
"""

from __future__ import annotations

import regex
from lxml import etree

from aligner.errors import InputError
from aligner.model import Block, BlockKind, Witness
from aligner.tei.names import XML_ID, glyph_char, tei
from aligner.tei.read import parse
from aligner.text import LineIndex, OffsetMap

__all__ = ["read"]

BLOCKS = {"p": BlockKind.P, "head": BlockKind.HEAD, "item": BlockKind.ITEM, "ab": BlockKind.P, "l": BlockKind.P}
LEFT_OUT = frozenset({"note", "teiHeader", "fw", "figDesc", "del", "sic", "orig", "abbr"})
Piece = tuple[str, int, int, bool]


def _line(element: etree._Element) -> int:
    found = element.sourceline
    return found if isinstance(found, int) else 1


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Reader:
    def __init__(self, source: str, siglum: str | None) -> None:
        self.source = source
        self.lines = LineIndex(source)
        self.siglum = siglum
        self.paragraphs: list[tuple[Block, str, int, int, bool]] = []

    def _reads(self, rdg: etree._Element, app: etree._Element) -> bool:
        if self.siglum is not None:
            return f"#{self.siglum}" in (rdg.get("wit") or "").split()
        lemma = app.find(tei("lem"))
        chosen = lemma if lemma is not None else next((r for r in app if _local(r) == "rdg"), None)
        return rdg is chosen

    def text(self, element: etree._Element) -> str:
        parts = [element.text or ""]
        for child in element:
            name = _local(child)
            if name == "app":
                parts += [self.text(r) for r in child if _local(r) in ("rdg", "lem") and self._reads(r, child)]
            elif name == "g":
                parts.append(glyph_char(child.get("ref") or "") or (child.text or ""))
            elif name == "lb":
                parts.append(" ")
            elif name not in LEFT_OUT and name not in ("pb", "cb", "milestone", "anchor", "witStart", "witEnd"):
                parts.append(self.text(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def walk(self, element: etree._Element, level: int = 0) -> None:
        for child in element:
            name = _local(child)
            if name in LEFT_OUT:
                continue
            if name in BLOCKS:
                self.block(child, name, level)
            elif name == "div":
                self.walk(child, level + 1)
            elif name in ("rdg", "lem"):
                parent = child.getparent()
                if parent is not None and self._reads(child, parent):
                    self.walk(child, level)
            else:
                self.walk(child, level)

    def block(self, element: etree._Element, name: str, level: int) -> None:
        text = " ".join(self.text(element).split())
        if not text:
            return
        kind = Block(BLOCKS[name], max(level, 1) if name == "head" else 0)
        start, end, exact = self._where(element, text)
        self.paragraphs.append((kind, text, start, end, exact))

    def _where(self, element: etree._Element, text: str) -> tuple[int, int, bool]:
        line = _line(element)
        first = self.lines.line_start(line)
        tag = self.source.find(f"<{_local(element)}", first)
        opened = self.source.find(">", tag) + 1 if tag >= 0 else 0
        if len(element) == 0 and opened > 0 and self.source.startswith(text, opened):
            return opened, opened + len(text), True
        last = max(_line(e) for e in element.iter()) if len(element) else line
        end = self.source.find("\n", self.lines.line_start(last))
        return first, end if end >= 0 else len(self.source), False


DECLARED = regex.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")


def _declared(data: bytes) -> str | None:
    """The encoding the XML declaration names, if any (the parser goes by it, so positions must too)."""
    match = DECLARED.match(data[:200])
    return match.group(1).decode("ascii") if match else None


def _base(tree: etree._ElementTree) -> str | None:
    for witness in tree.getroot().iterfind(f".//{tei('listWit')}/{tei('witness')}"):
        if witness.get("ana") == "#aligner.base":
            return witness.get(XML_ID)
    return None


def read(data: bytes, path: str, siglum: str, encoding: str | None) -> Witness:
    """A TEI document as a witness: the text of its blocks, in order, notes left out."""
    from aligner.readers.text import decode

    source, used = decode(data, path, encoding or _declared(data))
    try:
        tree = parse(data)
    except InputError as err:
        raise InputError(path, err.problem, err.hint) from None
    body = tree.getroot().find(f".//{tei('text')}")
    reader = _Reader(source, _base(tree))
    reader.walk(body if body is not None else tree.getroot())
    if not reader.paragraphs:
        raise InputError(path, "has no paragraphs (p, head, item, ab or l) in its text", "give a TEI edition with text")
    pieces: list[Piece] = []
    for n, (_, text, start, end, exact) in enumerate(reader.paragraphs):
        if n:
            pieces.append(("\n", pieces[-1][2], start, False))
        pieces.append((text, start, end, exact))
    text, extraction = OffsetMap.from_pieces(pieces, len(source))
    return Witness.of_file(
        data,
        path,
        siglum,
        source,
        encoding=used,
        format="tei",
        text=text,
        extraction=extraction,
        blocks=tuple(kind for kind, *_ in reader.paragraphs),
    )
