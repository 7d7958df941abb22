"""Paragraphs and their place in the document's structure.

Normalized text has one paragraph per line; segmentation gives each its span and
its kind (heading with a level, list item, or plain paragraph) from the profile's
structure rules, which are data in :mod:`aligner.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence

from aligner.model import Block, BlockKind, Paragraph
from aligner.rules import Profile, classify_paragraph

__all__ = ["classify_paragraph", "segment"]


def segment(text: str, profile: Profile, blocks: Sequence[Block] | None = None) -> tuple[Paragraph, ...]:
    """Split normalized text (paragraphs joined by ``\\n``) into located, classified paragraphs.

    ``blocks``, from a format that marks its paragraphs, decide the kind where they say
    more than "paragraph" (an ``h2`` is a heading whatever its words); the profile's
    rules decide the rest.
    """
    paragraphs: list[Paragraph] = []
    start = 0
    for index, line in enumerate(text.split("\n") if text else []):
        given = blocks[index] if blocks is not None and index < len(blocks) else None
        kind: BlockKind
        if given is not None and given.kind is not BlockKind.P:
            kind, level = given.kind, given.level
        else:
            kind, level = classify_paragraph(line, profile)
        paragraphs.append(Paragraph(index, line, kind, level, start, start + len(line)))
        start += len(line) + 1
    return tuple(paragraphs)
