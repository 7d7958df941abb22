"""Reading the TEI that aligner writes, safely.

Parsing never resolves entities, loads a DTD or touches the network: a TEI file is data
from elsewhere. :func:`witness_paragraphs` rebuilds one witness's normalized paragraphs: the
blocks outside ``rdg``s plus those inside the ``rdg``s that name it. :func:`load` rebuilds
the whole alignment: witnesses from the ``listWit``, each witness's paragraphs and page
breaks, units from the blocks' ``@n``; variants are found again from the unit texts,
the way :func:`aligner.align.align` finds them. Source positions are not in TEI, so the
witnesses come back without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex
from lxml import etree

from aligner.errors import InputError
from aligner.files import read_input
from aligner.model import Alignment, BlockKind, NormalizedWitness, PageBreak, Paragraph, Witness
from aligner.tei.names import CONTAINERS, ID_PREFIX, MILESTONES, XML_ID, glyph_char, tei

__all__ = ["load", "parse", "read_xml", "sigla", "witness_paragraphs"]

BLOCKS = frozenset({"p", "head", "item", "ab", "l"})
MAX_TEI_BYTES = 2 * 1024 * 1024 * 1024


def parser() -> etree.XMLParser:
    """An XML parser that never resolves an entity, loads a DTD or opens a connection."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


Source = str | Path | bytes | etree._ElementTree


def read_xml(path: str | Path) -> bytes:
    """The bytes of an XML file, refused after the first block when they cannot be XML (``/dev/zero``)."""

    def sniff(head: bytes) -> None:
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if start and not start.startswith(b"<") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(path, "is not XML (it does not start with '<')", "give a TEI file")

    return read_input(path, limit=MAX_TEI_BYTES, sniff=sniff)


def parse(source: str | Path | bytes) -> etree._ElementTree:
    """Parse a file (or bytes) safely; unreadable XML is an :class:`InputError` with its line."""
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    data = source if isinstance(source, bytes) else read_xml(source)
    try:
        return etree.ElementTree(etree.fromstring(data, parser()))
    except etree.XMLSyntaxError as err:
        line, col = err.position
        raise InputError(name, f"not well-formed XML at line {line}, column {col}: {err.msg}") from None


def _tree(source: Source) -> etree._ElementTree:
    return source if isinstance(source, etree._ElementTree) else parse(source)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _names(rdg: etree._Element, siglum: str) -> bool:
    return f"#{siglum}" in (rdg.get("wit") or "").split()


def _inline(element: etree._Element, siglum: str) -> str:
    """The text of a block (or an inline reading) as ``siglum`` reads it."""
    parts = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "app":
            parts += [_inline(rdg, siglum) for rdg in child if _local(rdg) == "rdg" and _names(rdg, siglum)]
        elif name == "g":
            parts.append(glyph_char(child.get("ref") or ""))
        elif name not in MILESTONES and name != "note":
            parts.append(_inline(child, siglum))
        parts.append(child.tail or "")
    return "".join(parts)


def _walk(element: etree._Element, siglum: str, out: list[str]) -> None:
    for child in element:
        name = _local(child)
        if name in BLOCKS:
            text = _inline(child, siglum)
            if text:  # an empty reading means this witness has no paragraph here
                out.append(text)
        elif name in CONTAINERS:
            _walk(child, siglum, out)
        elif name == "app":
            for rdg in child:
                if _local(rdg) == "rdg" and _names(rdg, siglum):
                    _walk(rdg, siglum, out)


def sigla(source: Source) -> list[str]:
    """The witnesses a TEI file lists, in order."""
    found = _tree(source).getroot().iterfind(f".//{tei('listWit')}/{tei('witness')}")
    return [w.get(XML_ID) or "" for w in found]


def witness_paragraphs(source: Source, siglum: str) -> list[str]:
    """The normalized paragraphs of witness ``siglum``, rebuilt from an aligner TEI document."""
    tree = _tree(source)
    if siglum not in sigla(tree):
        name = "<bytes>" if isinstance(source, bytes | etree._ElementTree) else str(source)
        raise InputError(name, f"has no witness {siglum!r} in its listWit", "see the witnesses it lists")
    body = tree.getroot().find(f"{tei('text')}/{tei('body')}")
    out: list[str] = []
    if body is not None:
        _walk(body, siglum, out)
    return out


# --- the whole alignment -----------------------------------------------------------------------

UNIT = regex.compile(r"^(u[1-9][0-9]*)")
KINDS = {"head": BlockKind.HEAD, "item": BlockKind.ITEM}


@dataclass
class _Block:
    """One paragraph of a witness as the TEI has it: its unit, kind, level, text and page breaks."""

    unit: str
    kind: BlockKind
    level: int
    text: str
    breaks: list[tuple[int, str]] = field(default_factory=list)


def _unit_of(element: etree._Element, inherited: str) -> str:
    match = UNIT.match(element.get("n") or "")
    return match.group(1) if match else inherited


def _level(element: etree._Element) -> int:
    parent = element.getparent()
    kind = parent.get("type") or "" if parent is not None else ""
    return int(kind[5:]) if kind.startswith("level") and kind[5:].isdigit() else 1


class _Reader:
    """One witness's blocks, in document order, with the page breaks that fall in them."""

    def __init__(self, siglum: str) -> None:
        self.siglum = siglum
        self.blocks: list[_Block] = []
        self.pending: list[str] = []  # page breaks met between blocks: they open the next one

    def walk(self, element: etree._Element, unit: str = "") -> None:
        for child in element:
            name = _local(child)
            if name in BLOCKS:
                self.block(child, _unit_of(child, unit))
            elif name in CONTAINERS:
                self.walk(child, unit)
            elif name == "app":
                for rdg in child:
                    if _local(rdg) == "rdg" and _names(rdg, self.siglum):
                        self.walk(rdg, _unit_of(child, unit))
            elif name == "pb" and _names_edition(child, self.siglum):
                self.pending.append(child.get("n") or "")

    def block(self, element: etree._Element, unit: str) -> None:
        parts: list[str] = []
        breaks = [(0, n) for n in self.pending]
        self._inline(element, parts, breaks)
        text = "".join(parts)
        if not text:  # an empty reading: this witness has no paragraph here
            return
        self.pending = []
        kind = KINDS.get(_local(element), BlockKind.P)
        self.blocks.append(_Block(unit, kind, _level(element) if kind is BlockKind.HEAD else 0, text, breaks))

    def _inline(self, element: etree._Element, parts: list[str], breaks: list[tuple[int, str]]) -> None:
        parts.append(element.text or "")
        for child in element:
            name = _local(child)
            if name == "app":
                for rdg in child:
                    if _local(rdg) == "rdg" and _names(rdg, self.siglum):
                        self._inline(rdg, parts, breaks)
            elif name == "g":
                parts.append(glyph_char(child.get("ref") or ""))
            elif name == "pb":
                if _names_edition(child, self.siglum):
                    breaks.append((sum(map(len, parts)), child.get("n") or ""))
            elif name not in MILESTONES and name != "note":
                self._inline(child, parts, breaks)
            parts.append(child.tail or "")


def _names_edition(pb: etree._Element, siglum: str) -> bool:
    return f"#{siglum}" in (pb.get("edRef") or "").split()


def _witnesses(root: etree._Element) -> list[tuple[Witness, str, bool]]:
    """(witness without its text, profile, is the base) for each ``listWit/witness``."""
    found = []
    for element in root.iterfind(f".//{tei('listWit')}/{tei('witness')}"):
        idno = {i.get("type"): i.text or "" for i in element.iterfind(tei("idno"))}
        siglum = element.get(XML_ID) or ""
        witness = Witness(
            siglum,
            idno.get("path", ""),
            idno.get("sha256", ""),
            int(idno["size"]) if idno.get("size", "").isdigit() else 0,
            idno.get("encoding", ""),
            "",
            idno.get("kind", ""),
            idno.get("format", "text"),
        )
        found.append((witness, idno.get("profile", ""), element.get("ana") == f"#{ID_PREFIX}base"))
    return found


def _normalized(witness: Witness, profile: str, blocks: list[_Block]) -> NormalizedWitness:
    paragraphs: list[Paragraph] = []
    breaks: list[PageBreak] = []
    start = 0
    for index, block in enumerate(blocks):
        paragraphs.append(Paragraph(index, block.text, block.kind, block.level, start, start + len(block.text)))
        breaks += [PageBreak(start + offset, n) for offset, n in block.breaks]
        start += len(block.text) + 1
    text = "\n".join(p.text for p in paragraphs)
    return NormalizedWitness(witness, text, tuple(paragraphs), None, (), tuple(breaks), profile)


def load(source: Source) -> Alignment:
    """The :class:`~aligner.model.Alignment` an aligner TEI document holds (without source positions)."""
    from aligner.align import build_unit

    tree = _tree(source)
    root = tree.getroot()
    listed = _witnesses(root)
    name = "<bytes>" if isinstance(source, bytes | etree._ElementTree) else str(source)
    if not listed:
        raise InputError(name, "lists no witnesses", "give a TEI file that aligner wrote")
    body = root.find(f"{tei('text')}/{tei('body')}")
    blocks: dict[str, list[_Block]] = {}
    for witness, _, _ in listed:
        reader = _Reader(witness.siglum)
        if body is not None:
            reader.walk(body)
        blocks[witness.siglum] = reader.blocks
    witnesses = tuple(_normalized(w, profile, blocks[w.siglum]) for w, profile, _ in listed)
    moved: dict[str, set[str]] = {}
    for app in root.iterfind(f".//{tei('app')}[@type='moved']"):
        unit, _, mover = (app.get("n") or "").partition(".")
        if mover:
            moved.setdefault(unit, set()).add(mover)
    held: dict[str, dict[str, list[int]]] = {}
    for siglum, found in blocks.items():
        for index, block in enumerate(found):
            held.setdefault(block.unit, {}).setdefault(siglum, []).append(index)
    if "" in held:
        raise InputError(name, "has paragraphs outside any unit", "give a TEI file that aligner wrote")
    units = tuple(
        build_unit(
            unit, {w.siglum: tuple(held[unit].get(w.siglum, ())) for w in witnesses}, moved.get(unit, ()), witnesses
        )
        for unit in sorted(held, key=lambda u: int(u[1:]))
    )
    base = next((w.siglum for w, _, is_base in listed if is_base), listed[0][0].siglum)
    title_element = root.find(f".//{tei('titleStmt')}/{tei('title')}")
    given = title_element is not None and title_element.get("type") != "file"
    title = (title_element.text or "") if given and title_element is not None else ""
    return Alignment(witnesses, base, units, title)
