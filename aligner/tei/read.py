"""Reading the TEI that aligner writes, safely.

Parsing never resolves entities, loads a DTD or touches the network: a TEI file is data
from elsewhere. :func:`read_witness` rebuilds one witness's normalized paragraphs: the
text outside ``app`` plus the ``rdg``s that name it.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from aligner.errors import InputError
from aligner.io import read_input
from aligner.tei.names import CONTAINERS, MILESTONES, XML_ID, glyph_char, tei

__all__ = ["parse", "read_witness", "sigla"]

BLOCKS = frozenset({"p", "head", "item"})
MAX_TEI_BYTES = 2 * 1024 * 1024 * 1024


def parser() -> etree.XMLParser:
    """An XML parser that never resolves an entity, loads a DTD or opens a connection."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


Source = str | Path | bytes | etree._ElementTree


def parse(source: str | Path | bytes) -> etree._ElementTree:
    """Parse a file (or bytes) safely; unreadable XML is an :class:`InputError` with its line."""
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    data = source if isinstance(source, bytes) else read_input(source, limit=MAX_TEI_BYTES)
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


def read_witness(source: Source, siglum: str) -> list[str]:
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
