"""Segmentation: each line of normalized text a located paragraph of a kind, by the profile's rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.model import Block, BlockKind
from aligner.rules import EN, ZH, classify_paragraph
from aligner.segment import segment

from .conftest import PARAS


@pytest.mark.parametrize(
    ("text", "kind", "level"),
    [
        ("一、经济、社会和文化权利", BlockKind.HEAD, 1),
        ("（一）基本生活水准权利", BlockKind.HEAD, 2),
        ("第三章 实施保障", BlockKind.HEAD, 1),
        ("——夯实粮食安全基础。", BlockKind.ITEM, 0),
        ("导言", BlockKind.HEAD, 1),
        # a numbered sentence is a paragraph: headings do not end with sentence punctuation
        ("一、实施好国家人权行动计划是各级政府的共同责任。", BlockKind.P, 0),
        ("中国已经进入高质量发展阶段，中国人权事业发展具备了多方面的优势。", BlockKind.P, 0),
    ],
)
def test_chinese_structure(text: str, kind: BlockKind, level: int) -> None:
    assert classify_paragraph(text, ZH) == (kind, level)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("TERMS AND CONDITIONS", BlockKind.HEAD),
        ("CHAPTER I.", BlockKind.HEAD),
        ("Letter 4", BlockKind.HEAD),
        ("- the first item", BlockKind.ITEM),
        ("This License applies to any program or other work which contains a notice.", BlockKind.P),
    ],
)
def test_english_structure(text: str, kind: BlockKind) -> None:
    assert classify_paragraph(text, EN)[0] is kind


def test_the_seed_has_the_headings_and_items_its_numbering_says() -> None:
    paragraphs = segment("\n".join(PARAS), ZH)
    assert len(paragraphs) == 285
    assert sum(p.kind is BlockKind.ITEM for p in paragraphs) == sum(t.startswith("——") for t in PARAS)
    assert {p.level for p in paragraphs if p.kind is BlockKind.HEAD} == {1, 2}


def test_a_format_that_marks_its_blocks_decides_their_kind() -> None:
    blocks = [Block(BlockKind.HEAD, 3), Block(BlockKind.P, 0)]
    first, second = segment("普通的一句话。\n（一）基本生活水准权利", ZH, blocks)
    assert (first.kind, first.level) == (BlockKind.HEAD, 3)  # an h3 is a heading whatever its words
    assert (second.kind, second.level) == (BlockKind.HEAD, 2)  # "p" says nothing more: the rules decide


@given(
    st.lists(st.sampled_from(PARAS[:60]) | st.text(st.characters(blacklist_characters="\n"), max_size=30), max_size=20)
)
def test_paragraphs_tile_the_text_in_order(lines: list[str]) -> None:
    text = "\n".join(lines)
    paragraphs = segment(text, ZH)
    assert [p.text for p in paragraphs] == (lines if text else [])
    for index, p in enumerate(paragraphs):
        assert p.index == index and text[p.start : p.end] == p.text
