"""Reflow behaviours on small, readable cases: furniture, hyphenation, indentation, markers."""

from __future__ import annotations

import textwrap

import pytest

from aligner.normalize import NormalizeConfig, normalize_text
from aligner.reflow import display_width, learn_layout, scan_lines
from aligner.rules import EN, ZH

from .conftest import web_paragraphs

EN_CONFIG = NormalizeConfig(profile="en")
ZH_CONFIG = NormalizeConfig(profile="zh")


def paged(pages: list[list[str]], header: str = "Running Title") -> str:
    """Pages as pdftotext writes them: a header line, the body, a page number, a form feed."""
    return "".join(f"{header}\n" + "\n".join(body) + f"\n\n{n}\n\f" for n, body in enumerate(pages, start=1))


ENGLISH = [
    "The licenses for most software and other practical works are designed to take away your freedom "
    "to share and change the works. By contrast, the General Public License is information meant to "
    "guarantee your freedom to share and change all versions of a program.",
    "It is a well-known and widely used license that grants every recipient the same rights; it is "
    "what is often called a copyleft, or a so-called free software license.",
    "A so-called patch is a well-known way to share a change; a well-known project takes so-called "
    "pull requests, and the information in them is reviewed by well-known and so-called maintainers.",
    "When we speak of free software, we are referring to freedom, not price. Our General Public "
    "Licenses are designed to make sure that you have the freedom to distribute copies.",
]


def hard_wrap(paragraphs: list[str], width: int, breaks: dict[str, str]) -> str:
    """Greedy line breaking; a word in ``breaks`` that does not fit is split at its ``|``.

    Paragraphs are set apart by a blank line, as pdftotext shows paragraph spacing.
    """
    lines = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= width:
                line = candidate
                continue
            left, _, right = breaks.get(word, "").partition("|")
            if right and len(f"{line} {left}-") <= width:
                lines.append(f"{line} {left}-")
                line = right
            else:
                lines.append(line)
                line = word
        lines += [line, ""]
    return "\n".join(lines)


def test_english_lines_join_with_one_space_and_soft_hyphens_go() -> None:
    breaks = {"information": "infor|mation", "well-known": "well|known", "so-called": "so|called"}
    broken: set[str] = set()
    for width in range(36, 90):  # many layouts, each must give the same paragraphs back
        source = hard_wrap(ENGLISH, width, breaks)
        broken |= {w for w, split in breaks.items() if split.replace("|", "-\n") in source}
        assert normalize_text(source, EN_CONFIG).text.split("\n") == ENGLISH, width
    assert broken == set(breaks)  # soft hyphens and real compounds were both at line ends


def test_running_heads_and_page_numbers_are_removed_and_reported() -> None:
    body = web_paragraphs()[100:112]
    lines = [p[i : i + 20] for p in body for i in range(0, len(p), 20)]
    pages = [lines[i : i + 25] for i in range(0, len(lines), 25)]
    result = normalize_text(paged(pages, "国家人权行动计划"), ZH_CONFIG)
    assert [p.text for p in result.paragraphs] == body
    kinds = sorted({f.kind for f in result.furniture})
    assert kinds == ["header", "page-number"]
    assert sum(1 for f in result.furniture if f.kind == "page-number") == len(pages)
    assert [b.n for b in result.page_breaks if b.n] == [str(n) for n in range(2, len(pages) + 1)]


def test_unpunctuated_text_reflows_from_indentation_alone() -> None:
    paragraphs = [
        "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳",
        "云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光",
        "果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让国有虞陶唐",
    ]
    lines = []
    for paragraph in paragraphs:
        body = "\u3000\u3000" + paragraph
        lines += [body[i : i + 12] for i in range(0, len(body), 12)]
    result = normalize_text("\n".join(lines) + "\n", ZH_CONFIG)
    assert [p.text for p in result.paragraphs] == paragraphs


def test_list_markers_open_paragraphs_after_a_sentence_end() -> None:
    # Each item's last line is full, so only the marker says a new paragraph begins.
    items = ["——将促进全体人民的自由全面共同发展作为人权事业发展的总目标坚持以人民为中心。"] * 6
    lines = ["制定和实施《行动计划》的目标是："]
    for item in items:
        lines += [item[i : i + 20] for i in range(0, len(item), 20)]
    result = normalize_text("\n".join(lines) + "\n", ZH_CONFIG)
    assert [p.text for p in result.paragraphs] == ["制定和实施《行动计划》的目标是：", *items]


def test_layout_is_learned_not_fixed() -> None:
    source = "\n".join(p[i : i + 30] for p in web_paragraphs()[95:120] for i in range(0, len(p), 30))
    layout = learn_layout(scan_lines(source, ZH), ZH)
    assert layout.wrapped and layout.width == 60


def test_display_width_counts_cjk_as_two_cells() -> None:
    assert display_width("中文ab——", wide_ambiguous=True) == 10
    assert display_width("中文ab——", wide_ambiguous=False) == 8
    assert display_width("abc", wide_ambiguous=False) == len("abc")
    assert learn_layout([], EN).wrapped is False


@pytest.mark.parametrize("width", [29, 32, 37])
def test_text_wrapped_at_a_number_of_characters_with_blank_lines_between_paragraphs(width: int) -> None:
    """Old plain-text files wrap at so many characters, not so many display cells: a line with
    half-width digits is no shorter than the rest, even when it ends a sentence. Blank lines
    mark every paragraph here."""
    gold = web_paragraphs()
    blocks = ["\n".join(p[i : i + width] for i in range(0, len(p), width)) for p in gold]
    assert normalize_text("\n\n".join(blocks) + "\n").text.split("\n") == gold


def test_where_blank_lines_mark_paragraphs_a_blank_line_ends_one(gpl_paragraphs: list[str]) -> None:
    """The GPL wrapped at 60 characters, a blank line after each paragraph, as old text files are.

    Lines ending without a full stop ("…29 June 2007", "…this License; or") before a blank
    line still end their paragraph; only a small letter after the blank may carry a
    sentence over it.
    """
    text = "\n\n".join(textwrap.fill(p, 60) for p in gpl_paragraphs) + "\n"
    assert [p.text for p in normalize_text(text, siglum="gpl").paragraphs] == gpl_paragraphs
