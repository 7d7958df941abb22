"""Variant readings inside aligned paragraphs: where they are, how wide, what kind."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.model import VariantType
from aligner.variants import DIRECT_DIFF, classify, find_variants, word_boundaries

from .conftest import PARAS

LONG = max(PARAS, key=len)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("国家 人权", "国家人权", VariantType.WHITESPACE),
        ("人权，发展", "人权,发展", VariantType.PUNCTUATION),
        ("人权。", "人权；", VariantType.PUNCTUATION),
        ("２０２１年", "2021年", VariantType.WIDTH),
        ("２０２１，年", "2021,年", VariantType.WIDTH),  # width and punctuation together: no new wording
        ("各项权利", "各項權利", VariantType.ORTHOGRAPHIC),  # simplified and traditional
        ("爲人", "為人", VariantType.ORTHOGRAPHIC),  # variant forms of one character
        ("㓜而", "幼而", VariantType.ORTHOGRAPHIC),  # a manuscript form only CHAR's table pairs
        ("兾州", "冀州", VariantType.ORTHOGRAPHIC),
        ("巳而", "已而", VariantType.SUBSTANTIVE),  # a misreading, not a form of the same character
        ("大山", "太山", VariantType.SUBSTANTIVE),
        ("行动计划", "工作计划", VariantType.SUBSTANTIVE),
        ("colour", "color", VariantType.SUBSTANTIVE),
    ],
)
def test_each_kind_of_difference_is_named(a: str, b: str, kind: VariantType) -> None:
    assert classify({"a": a, "b": b}) is kind


def test_variant_forms_are_substantive_when_asked() -> None:
    assert classify({"a": "各项", "b": "各項"}, orthographic=False) is VariantType.SUBSTANTIVE


def test_chinese_readings_are_whole_jieba_words() -> None:
    a = "国家人权行动计划的实施"
    b = "国家人权工作计划的实施"
    (variant,) = find_variants({"a": a, "b": b}, {"a": "jieba", "b": "jieba"})
    assert variant.readings == {"a": "行动计划", "b": "工作计划"}  # jieba's words: 国家/人权/行动计划/的/实施
    assert variant.offsets == {"a": (4, 8), "b": (4, 8)}
    assert variant.type is VariantType.SUBSTANTIVE
    # every character a word (classical texts): only the characters that differ
    (bare,) = find_variants({"a": a, "b": b}, {"a": "chars", "b": "chars"})
    assert bare.readings == {"a": "行动", "b": "工作"}


def test_a_changed_letter_makes_the_whole_latin_word_the_reading() -> None:
    (variant,) = find_variants({"a": "the red fox ran", "b": "the rod fox ran"})
    assert variant.readings == {"a": "red", "b": "rod"}
    assert variant.offsets == {"a": (4, 7), "b": (4, 7)}


def test_word_boundaries_by_segmenter() -> None:
    assert word_boundaries("the red fox") == [0, 3, 4, 7, 8, 11]
    assert word_boundaries("人权", "chars") == [0, 1, 2]
    assert word_boundaries("国家人权行动计划", "jieba") == [0, 2, 4, 8]


def test_three_witnesses_share_one_set_of_spans() -> None:
    texts = {"a": "the red fox ran", "b": "the rod fox ran", "c": "the red fox sat"}
    variants = find_variants(texts)
    assert [v.readings for v in variants] == [
        {"a": "red", "b": "rod", "c": "red"},
        {"a": "ran", "b": "ran", "c": "sat"},
    ]


def test_a_unit_larger_than_the_direct_diff_is_anchored_and_exact() -> None:
    base = "".join(PARAS[:40])
    assert len(base) > DIRECT_DIFF
    at = len(base) // 2
    edited = base[:at] + "鑫淼" + base[at + 2 :]
    variants = find_variants({"a": base, "b": edited}, {"a": "jieba", "b": "jieba"})
    assert len(variants) == 1 and not variants[0].note
    assert "鑫淼" in variants[0].readings["b"]


def test_the_same_unit_always_gives_the_same_variants() -> None:
    noisy = LONG.replace("的", "地").replace("，", ",")
    runs = [find_variants({"a": LONG, "b": noisy}, {"a": "jieba", "b": "jieba"}) for _ in range(3)]
    assert runs[0] and runs[0] == runs[1] == runs[2]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.integers(0, len(PARAS) - 3),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3), st.sampled_from(["", "甲", "，", "ab", " "])), max_size=6
    ),
    segmenter=st.sampled_from(["jieba", "chars", "latin"]),
)
def test_readings_cover_every_difference_and_nothing_else(
    start: int, edits: list[tuple[float, int, str]], segmenter: str
) -> None:
    """Outside the variants' spans the texts are the same, piece for piece; inside, the readings differ."""
    base = "".join(PARAS[start : start + 3])
    edited = base
    for where, length, new in edits:
        at = int(where * len(edited))
        edited = edited[:at] + new + edited[at + length :]
    texts = {"a": base, "b": edited}
    variants = find_variants(texts, {"a": segmenter, "b": segmenter})
    for siglum, text in texts.items():
        for v in variants:
            begin, end = v.offsets[siglum]
            assert text[begin:end] == v.readings[siglum]
            assert v.readings["a"] != v.readings["b"]

    def outside(siglum: str) -> list[str]:
        text, pieces, pos = texts[siglum], [], 0
        for v in variants:
            begin, end = v.offsets[siglum]
            assert begin >= pos  # spans in order, never overlapping
            pieces.append(text[pos:begin])
            pos = end
        return [*pieces, text[pos:]]

    assert outside("a") == outside("b")
