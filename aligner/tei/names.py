"""What the TEI writer and reader must agree on: namespace, ids, block elements, glyphs.

Characters that XML 1.0 forbids (``\\x0b`` and friends from PDF extractors) are written
as ``<g ref="#aligner.U000B"/>``, declared in ``charDecl``, and come back when read.
"""

from __future__ import annotations

from aligner.model import BlockKind

__all__ = [
    "BLOCK_TAG",
    "CONTAINERS",
    "ID_PREFIX",
    "MILESTONES",
    "TEI_NS",
    "XML_ID",
    "char_id",
    "glyph_char",
    "tei",
]

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
ID_PREFIX = "aligner."  # our own xml:ids; sigla are checked not to use it
BLOCK_TAG = {BlockKind.HEAD: "head", BlockKind.ITEM: "item", BlockKind.P: "p"}
CONTAINERS = frozenset({"body", "div", "list"})
MILESTONES = frozenset({"pb", "anchor", "witStart", "witEnd", "lacunaStart", "lacunaEnd"})  # no text of any witness


def tei(tag: str) -> str:
    """The qualified name of a TEI element."""
    return f"{{{TEI_NS}}}{tag}"


def char_id(char: str) -> str:
    """The ``xml:id`` of the ``char`` declaration that stands for ``char``."""
    return f"{ID_PREFIX}U{ord(char):04X}"


def glyph_char(ref: str) -> str:
    """The character a ``g/@ref`` written by :func:`char_id` stands for (``""`` if none)."""
    code = ref.rsplit(".U", 1)[-1]
    try:
        return chr(int(code, 16))
    except ValueError:
        return ""
