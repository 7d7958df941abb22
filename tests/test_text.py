"""OffsetMap: identity, edits, composition, line:column — with hypothesis properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aligner.text import Edit, LineIndex, OffsetMap, apply_edits

TEXT = st.text(alphabet="ab 中文\n。", max_size=60)


@st.composite
def edits_for(draw: st.DrawFn, text: str) -> list[Edit]:
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append(Edit(start, end, draw(st.sampled_from(["", " ", "\n", "xy"])), "test"))
    return edits


@given(TEXT)
def test_no_edits_is_identity(text: str) -> None:
    new, m = apply_edits(text, [])
    assert new == text
    for i in range(len(text)):
        assert m.source_span(i, i + 1) == (i, i + 1)


@given(st.data())
def test_unedited_characters_map_to_themselves(data: st.DataObject) -> None:
    text = data.draw(TEXT)
    edits = data.draw(edits_for(text))
    new, m = apply_edits(text, edits)
    for i, char in enumerate(new):
        start, end = m.source_span(i, i + 1)
        if m.is_exact(i, i + 1):
            assert text[start:end] == char
        else:
            assert any(e.start == start and e.end == end for e in edits)


@given(st.data())
def test_maps_compose(data: st.DataObject) -> None:
    text = data.draw(TEXT)
    mid, first = apply_edits(text, data.draw(edits_for(text)))
    out, second = apply_edits(mid, data.draw(edits_for(mid)))
    composed = first.compose(second)
    for i in range(len(out)):
        m_start, m_end = second.source_span(i, i + 1)
        expected = first.source_span(m_start, m_end)
        assert composed.source_span(i, i + 1) == expected
        if composed.is_exact(i, i + 1):
            s, e = composed.source_span(i, i + 1)
            assert text[s:e] == out[i]


def test_compose_with_identity_changes_nothing() -> None:
    new, m = apply_edits("a  b\nc", [Edit(1, 3, " ", "space"), Edit(4, 5, "", "drop")])
    composed = m.compose(OffsetMap.identity(len(new)))
    assert [composed.source_span(i, i + 1) for i in range(len(new))] == [
        m.source_span(i, i + 1) for i in range(len(new))
    ]


def test_output_offset_inverts_exact_segments() -> None:
    new, m = apply_edits("ab\n\ncd", [Edit(2, 4, "", "blank-line")])
    assert new == "abcd"
    assert m.output_offset(4) == 2  # "c"
    assert m.output_offset(2) == 2  # a deleted position maps to where the output goes on


def test_line_index() -> None:
    lines = LineIndex("ab\ncd\n\nef")
    assert lines.position(0) == (1, 1)
    assert lines.position(4) == (2, 2)
    assert lines.position(7) == (4, 1)
