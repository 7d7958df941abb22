"""Paragraphs and their place in the document's structure.

Normalized text has one paragraph per line; segmentation gives each its span and
its kind (heading with a level, list item, or plain paragraph) from the profile's
structure rules, which are data in :mod:`aligner.rules`.
"""

from __future__ import annotations

from aligner.model import BlockKind, Paragraph
from aligner.rules import Profile, StructureRule

__all__ = ["classify_paragraph", "segment"]


def classify_paragraph(text: str, profile: Profile) -> tuple[BlockKind, int]:
    """The kind and heading level of one paragraph, by the first structure rule that fits.

    >>> from aligner.rules import ZH
    >>> classify_paragraph("（一）基本生活水准权利", ZH)
    (<BlockKind.HEAD: 'head'>, 2)
    >>> classify_paragraph("——夯实粮食安全基础。", ZH)
    (<BlockKind.ITEM: 'item'>, 0)
    """
    for rule in profile.structure:
        if _fits(rule, text, profile):
            return rule.kind, rule.level
    return BlockKind.P, 0


def _fits(rule: StructureRule, text: str, profile: Profile) -> bool:
    if len(text) > rule.max_length or not rule.pattern.match(text):
        return False
    return not (rule.no_final and text[-1] in profile.sentence_end + "，,")


def segment(text: str, profile: Profile) -> tuple[Paragraph, ...]:
    """Split normalized text (paragraphs joined by ``\\n``) into located, classified paragraphs."""
    paragraphs: list[Paragraph] = []
    start = 0
    for index, line in enumerate(text.split("\n") if text else []):
        kind, level = classify_paragraph(line, profile)
        paragraphs.append(Paragraph(index, line, kind, level, start, start + len(line)))
        start += len(line) + 1
    return tuple(paragraphs)
