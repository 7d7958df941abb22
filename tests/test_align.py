"""Alignment, variants and check against known edits of the web edition.

Each test edits the 285 real web paragraphs in a known way and asserts that exactly
those edits come back, typed and located; a hypothesis property does the same for
random edit scripts.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from aligner.align import align
from aligner.check import findings
from aligner.export import csv_export, json_export
from aligner.model import Alignment, Unit, UnitStatus, VariantType

from .conftest import PARAS, PDF, ROOT, WEB, edit_scripts, split_paragraph, witness

SCHEMA = json.loads((ROOT / "schemas" / "alignment.schema.json").read_text(encoding="utf-8"))


def pair(edited: Sequence[str]) -> Alignment:
    return align([witness(PARAS, "a"), witness(edited, "b")])


def assert_partition(alignment: Alignment) -> None:
    """Every paragraph of every witness is in exactly one unit, in order for the base."""
    for w in alignment.witnesses:
        held = [i for u in alignment.units for i in u.paragraphs[w.siglum]]
        assert sorted(held) == list(range(len(w.paragraphs))), w.siglum
    base = [i for u in alignment.units for i in u.paragraphs[alignment.base]]
    assert base == sorted(base)


def differing(alignment: Alignment) -> list[Unit]:
    return [u for u in alignment.units if u.status is not UnitStatus.EQUAL]


def aligner(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aligner", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)


# --- the bundled corpus --------------------------------------------------------------


def test_seed_pair_is_94_equal_units_then_the_missing_tail() -> None:
    result = aligner("align", WEB.relative_to(ROOT), PDF.relative_to(ROOT), "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    units = data["units"]
    assert len(units) == 285
    assert [u["paragraphs"] for u in units[:94]] == [{"web": [i], "pdf": [i]} for i in range(94)]
    assert {u["status"] for u in units[:94]} == {"equal"}
    assert [u["paragraphs"] for u in units[94:]] == [{"web": [i], "pdf": []} for i in range(94, 285)]
    assert {u["status"] for u in units[94:]} == {"gap"}
    assert all(not u["variants"] for u in units)
    assert data["summary"] == {
        "units": 285,
        "equal": 94,
        "variant": 0,
        "gap": 191,
        "moved": 0,
        "variants": {"whitespace": 0, "punctuation": 0, "width": 0, "orthographic": 0, "substantive": 0},
    }
    assert [w["paragraphs"] for w in data["witnesses"]] == [285, 94]


def test_check_reports_the_truncation_at_its_line_and_allow_gap_passes() -> None:
    web, pdf = WEB.relative_to(ROOT), PDF.relative_to(ROOT)
    found = aligner("check", web, pdf)
    assert found.returncode == 1, found.stderr
    lines = found.stdout.splitlines()
    assert len(lines) == 2
    # Paragraph 94 (0-based) is line 95 of web.txt; its text starts after the two U+3000.
    assert lines[0].startswith(f"{web}:95:3: gap: ")
    assert "191 paragraphs" in lines[0]
    assert WEB.read_text(encoding="utf-8").split("\n")[94][2:].startswith(PARAS[94])
    allowed = aligner("check", web, pdf, "--allow", "gap")
    assert allowed.returncode == 0, allowed.stdout
    assert "no differences" in allowed.stdout


def test_json_and_csv_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    runs = []
    for n in range(2):
        out = tmp_path / str(n)
        out.mkdir()
        result = aligner("align", WEB, PDF, "--json", out / "a.json", "--csv", out / "a.csv")
        assert result.returncode == 0, result.stderr
        runs.append(((out / "a.json").read_bytes(), (out / "a.csv").read_bytes()))
    assert runs[0] == runs[1]


# --- known edits -----------------------------------------------------------------------


def test_deleted_paragraph_is_one_gap() -> None:
    alignment = pair(PARAS[:10] + PARAS[11:])
    assert_partition(alignment)
    (unit,) = differing(alignment)
    assert unit.status is UnitStatus.GAP
    assert unit.paragraphs == {"a": (10,), "b": ()}


def test_inserted_paragraph_is_one_gap_in_place() -> None:
    new = "本段为测试插入的新内容，与原文任何段落都不相同。"
    alignment = pair([*PARAS[:40], new, *PARAS[40:]])
    assert_partition(alignment)
    (unit,) = differing(alignment)
    assert unit.paragraphs == {"a": (), "b": (40,)}
    position = alignment.units.index(unit)
    assert alignment.units[position - 1].paragraphs["a"] == (39,)


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_split_paragraph_is_one_unit(parts: int) -> None:
    target = max(range(len(PARAS)), key=lambda i: len(PARAS[i]) if i > 100 else 0)  # a long paragraph
    pieces = split_paragraph(PARAS[target], parts)
    alignment = pair(PARAS[:target] + pieces + PARAS[target + 1 :])
    assert_partition(alignment)
    (unit,) = differing(alignment)
    assert unit.paragraphs == {"a": (target,), "b": tuple(range(target, target + parts))}
    assert unit.status is UnitStatus.VARIANT
    assert {v.type for v in unit.variants} == {VariantType.WHITESPACE}
    assert len(unit.variants) == parts - 1


@pytest.mark.parametrize("parts", [2, 4])
def test_merged_paragraphs_are_one_unit(parts: int) -> None:
    start = 150
    merged = "".join(PARAS[start : start + parts])
    alignment = pair([*PARAS[:start], merged, *PARAS[start + parts :]])
    assert_partition(alignment)
    (unit,) = differing(alignment)
    assert unit.paragraphs == {"a": tuple(range(start, start + parts)), "b": (start,)}
    assert {v.type for v in unit.variants} == {VariantType.WHITESPACE}


def test_moved_paragraph_is_reported_as_moved_not_as_gap() -> None:
    moved = PARAS[20]
    edited = PARAS[:20] + PARAS[21:200] + [moved] + PARAS[200:]
    alignment = pair(edited)
    assert_partition(alignment)
    assert not differing(alignment)  # the text is the same, only its place differs
    (unit,) = [u for u in alignment.units if u.moved]
    assert unit.paragraphs == {"a": (20,), "b": (199,)}
    assert unit.moved == ("b",)
    (finding,) = findings(alignment)
    assert finding.type == "moved"


def _replace_once(text: str, old: str, new: str) -> str:
    assert old in text, (old, text)
    return text.replace(old, new, 1)


def test_changed_word_is_one_substantive_variant() -> None:
    index = next(i for i, p in enumerate(PARAS) if "保障" in p and i > 50)
    edited = list(PARAS)
    edited[index] = _replace_once(PARAS[index], "保障", "保护")
    alignment = pair(edited)
    (unit,) = differing(alignment)
    (variant,) = unit.variants
    assert variant.type is VariantType.SUBSTANTIVE
    assert "保障" in variant.readings["a"] and "保护" in variant.readings["b"]
    start, end = variant.offsets["b"]
    assert alignment.unit_text(unit, "b")[start:end] == variant.readings["b"]
    # Snapped to words: the reading is whole jieba tokens, not the single changed character.
    assert len(variant.readings["a"]) >= 2


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("，", ",", VariantType.PUNCTUATION),
        ("。", "；", VariantType.PUNCTUATION),
        ("2021", "２０２１", VariantType.WIDTH),
    ],
)
def test_punctuation_and_width_changes_are_typed(old: str, new: str, kind: VariantType) -> None:
    index = next(i for i, p in enumerate(PARAS) if old in p)
    edited = list(PARAS)
    edited[index] = _replace_once(PARAS[index], old, new)
    alignment = pair(edited)
    (unit,) = differing(alignment)
    assert [v.type for v in unit.variants] == [kind]
    assert unit.variants[0].readings["b"].count(new) == 1


def test_three_witnesses_share_one_table() -> None:
    index = next(i for i, p in enumerate(PARAS) if "发展" in p and i > 30)
    changed = list(PARAS)
    changed[index] = _replace_once(PARAS[index], "发展", "进步")
    split = PARAS[:60] + split_paragraph(PARAS[60], 2) + PARAS[61:250]  # split, and truncated
    alignment = align([witness(PARAS, "A"), witness(changed, "B"), witness(split, "C")])
    assert_partition(alignment)
    units = differing(alignment)
    by_base = {u.paragraphs["A"]: u for u in units}
    assert by_base[(index,)].variants[0].type is VariantType.SUBSTANTIVE
    assert by_base[(index,)].variants[0].readings["C"] == by_base[(index,)].variants[0].readings["A"]
    assert by_base[(60,)].paragraphs["C"] == (60, 61)
    assert all(by_base[(i,)].paragraphs["C"] == () for i in range(250, 285))
    assert len(units) == 2 + 35


def test_csv_has_one_row_per_unit_with_indices_and_text() -> None:
    alignment = pair(PARAS[:10] + split_paragraph(PARAS[10], 2) + PARAS[11:])
    rows = csv_export.render(alignment).split("\r\n")
    assert rows[0] == "unit,status,moved,variants,a paragraphs,a text,b paragraphs,b text"
    assert len(rows) == 1 + len(alignment.units) + 1  # header, units, and the empty string after the last CRLF
    assert any(r.startswith("u11,variant,,whitespace,10,") and ",10;11," in r for r in rows)


def test_json_offsets_point_at_the_readings() -> None:
    edited = list(PARAS)
    edited[5] = edited[5].replace("，", ",", 2)
    data = json_export.document(pair(edited))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    (unit,) = [u for u in data["units"] if u["variants"]]
    for variant in unit["variants"]:
        for siglum, (start, end) in variant["offsets"].items():
            source = PARAS[5] if siglum == "a" else edited[5]
            assert source[start:end] == variant["readings"][siglum]


# --- random edit scripts ----------------------------------------------------------------

EXAMPLES = int(os.environ.get("ALIGN_EXAMPLES", "50"))  # ALIGN_EXAMPLES=1000 for a long search


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit_scripts())
def test_random_edit_scripts_are_recovered(script: tuple[list[str], list[str], dict[int, str], int]) -> None:
    original, edited, words, applied = script
    alignment = align([witness(original, "a"), witness(edited, "b")])
    assert_partition(alignment)
    # Each edit makes at most one unit differ (the untouched text around it stays equal).
    assert len(differing(alignment)) <= applied
    for index, word in words.items():
        (unit,) = [u for u in alignment.units if index in u.paragraphs["a"]]
        assert unit.paragraphs["b"], f"paragraph {index} with a changed word was not aligned"
        substantive = [v for v in unit.variants if v.type is VariantType.SUBSTANTIVE]
        assert any(word in v.readings["b"] for v in substantive), (index, unit)


def test_moved_and_edited_paragraph_is_still_found_by_similarity() -> None:
    moved = PARAS[30][:-6] + "鑫淼" + PARAS[30][-4:]
    alignment = pair(PARAS[:30] + PARAS[31:250] + [moved] + PARAS[250:])
    assert_partition(alignment)
    (unit,) = differing(alignment)
    assert unit.paragraphs == {"a": (30,), "b": (249,)}
    assert unit.moved == ("b",)
    assert [v.type for v in unit.variants] == [VariantType.SUBSTANTIVE]


def test_check_points_into_the_reflowed_pdf_at_the_changed_word(tmp_path: Path) -> None:
    source = PDF.read_text(encoding="utf-8")
    lines = source.split("\n")
    row = next(n for n, line in enumerate(lines) if n > 100 and "权利" in line)
    lines[row] = lines[row].replace("权利", "鑫淼", 1)
    edited = tmp_path / "pdf.txt"
    edited.write_text("\n".join(lines), encoding="utf-8")
    result = aligner("check", WEB, edited)
    assert result.returncode == 1
    (finding,) = [f for f in result.stdout.splitlines() if ": substantive: " in f]
    path, line, col = finding.split(":")[:3]
    assert path == str(edited) and int(line) == row + 1
    reading = finding.split('pdf "')[1].split('"')[0]
    assert "鑫淼" in reading
    assert lines[row][int(col) - 1 :].startswith(reading[: len(lines[row]) - int(col) + 1])


def test_short_heading_and_its_paragraph_both_edited_stay_paired() -> None:
    heading = next(i for i, p in enumerate(PARAS) if p == "（二）工作权利")
    edited = list(PARAS)
    edited[heading] = "（二）工作鑫淼"  # a changed word: half its bigrams change
    edited[heading + 1] = "全面" + "鑫淼" + PARAS[heading + 1][4:]
    alignment = pair(edited)
    assert [u.paragraphs for u in differing(alignment)] == [
        {"a": (heading,), "b": (heading,)},
        {"a": (heading + 1,), "b": (heading + 1,)},
    ]


# --- editions that diverge: renumbered sections, re-divided paragraphs, noise everywhere ---------

NUMERALS = "一二三四五六七八九十"


def _renumbered(paragraphs: list[str], after: int, inserted: list[str]) -> list[str]:
    """A section inserted after paragraph ``after``; every later (N) heading of that part moves up one."""
    out = [*paragraphs[: after + 1], *inserted]
    shifting = True
    for text in paragraphs[after + 1 :]:
        if text[:2] in {f"{n}、" for n in NUMERALS}:  # the next part: its numbering starts afresh
            shifting = False
        if shifting and text.startswith("（") and text[1] in NUMERALS and text[2] == "）":
            text = f"（{NUMERALS[NUMERALS.index(text[1]) + 1]}）{text[3:]}"
        out.append(text)
    return out


def test_a_section_inserted_shifts_every_later_number_and_all_still_pair() -> None:
    part = PARAS[16:81]  # 一、... and its sections (一) to (三)
    inserted = ["（二）新增测试权利", "本节为测试插入的新内容，与原文任何段落都不相同，用来检验后续编号的移动。"]
    after = next(i for i, p in enumerate(part) if p.startswith("（二）")) - 1
    edited = _renumbered(part, after, inserted)
    assert edited.count("（三）工作权利") == 1 and "（四）社会保障权利" in edited
    alignment = align([witness(part, "a"), witness(edited, "b")])
    assert_partition(alignment)
    by_base = {u.paragraphs["a"]: u for u in alignment.units if u.paragraphs["a"]}
    for i in range(len(part)):
        j = i if i <= after else i + len(inserted)
        assert by_base[(i,)].paragraphs["b"] == (j,), (i, part[i][:12])
    gaps = [u for u in alignment.units if not u.paragraphs["a"]]
    assert [u.paragraphs["b"] for u in gaps] == [(after + 1,), (after + 2,)]
    headings = [u for u in alignment.units if u.status is UnitStatus.VARIANT]
    assert all(len(u.variants) == 1 and u.variants[0].type is VariantType.SUBSTANTIVE for u in headings)


def _redivided(paragraphs: list[str], cuts: list[float]) -> list[str]:
    """The paragraphs run together and cut again at the given fractions of their length."""
    text = "".join(paragraphs)
    points = [0, *(round(len(text) * c) for c in cuts), len(text)]
    return [text[x:y] for x, y in pairwise(points)]


def test_editions_that_break_paragraphs_elsewhere_give_n_to_m_units() -> None:
    first, second = (120, 124), (140, 145)  # two stretches re-divided: 4 -> 3 and 5 -> 2
    edited = [
        *PARAS[: first[0]],
        *_redivided(PARAS[first[0] : first[1]], [0.37, 0.61]),
        *PARAS[first[1] : second[0]],
        *_redivided(PARAS[second[0] : second[1]], [0.53]),
        *PARAS[second[1] :],
    ]
    alignment = pair(edited)
    assert_partition(alignment)
    shapes = [(u.paragraphs["a"], u.paragraphs["b"]) for u in differing(alignment)]
    shift = 4 - 3
    assert shapes == [
        (tuple(range(120, 124)), tuple(range(120, 123))),
        (tuple(range(140, 145)), tuple(range(140 - shift, 142 - shift))),
    ]
    for unit in differing(alignment):
        assert {v.type for v in unit.variants} == {VariantType.WHITESPACE}  # only the breaks moved


def _noisy(text: str, rng: random.Random, rate: float) -> str:
    alphabet = "的人权保障发展国家社会建设制度法治完善"
    chars = list(text)
    for k in range(len(chars)):
        if rng.random() < rate:
            chars[k] = rng.choice(alphabet)
    if len(chars) >= 10:  # at least one change in every paragraph long enough to survive one
        at = rng.randrange(len(chars))
        chars[at] = "鑫" if chars[at] != "鑫" else "淼"
    return "".join(chars)


def test_noise_in_every_paragraph_still_pairs_every_paragraph_one_to_one() -> None:
    rng = random.Random(10)
    noisy = [_noisy(p, rng, 0.01) for p in PARAS]
    assert all(a != b for a, b in zip(PARAS, noisy, strict=True) if len(a) >= 10)
    alignment = pair(noisy)
    assert_partition(alignment)
    pairs = [(u.paragraphs["a"], u.paragraphs["b"]) for u in alignment.units]
    assert pairs == [((i,), (i,)) for i in range(len(PARAS))]


def test_a_short_heading_that_reappears_elsewhere_does_not_pull_long_paragraphs_apart() -> None:
    """A renumbered heading whose old text now stands ten paragraphs later (Frankenstein's CHAPTER II)."""
    part = PARAS[82:146]
    heading = next(i for i, p in enumerate(part) if p.startswith("（二）"))
    edited = [*part[:heading], part[heading].replace("（二）", "（三）"), *part[heading + 1 :]]
    edited.insert(heading - 3, part[heading])  # the old heading text, earlier, as a new heading
    alignment = align([witness(part, "a"), witness(edited, "b")])
    assert_partition(alignment)
    long = [i for i, p in enumerate(part) if len(p) > 60]
    for i in long:
        (unit,) = [u for u in alignment.units if i in u.paragraphs["a"]]
        assert unit.paragraphs["b"] == ((i if i < heading - 3 else i + 1),), i


def test_a_merge_followed_by_an_addition_is_still_one_unit() -> None:
    """Volumes of one report repeat their paragraphs (numbered (卷1), (卷2)): few anchors are
    unique, and an added paragraph right after the merged one must not keep the merge apart."""
    from aligner.samples import base_paragraphs

    base = base_paragraphs(200_000)
    at = next(i for i in range(len(base) // 2, len(base)) if base[i].startswith("——") and len(base[i]) > 60)
    added = "本段为新增内容，原版没有。"
    edited = [*base[:at], "".join(base[at : at + 3]), added, *base[at + 3 :]]
    alignment = align([witness(base, "a"), witness(edited, "b")])
    assert_partition(alignment)
    units = {(u.paragraphs["a"], u.paragraphs["b"]) for u in alignment.units}
    assert ((at, at + 1, at + 2), (at,)) in units
    assert ((), (at + 1,)) in units


def test_dynamic_programming_stops_at_its_budget_and_leaves_gaps() -> None:
    """Long stretches with nothing in common would fill millions of cells: past the budget
    they stay gaps, and a region within it is still searched."""
    import importlib

    module = importlib.import_module("aligner.align")
    texts = [p[:12] for p in PARAS[:40]]
    edited = [t[:5] + "鑫" + t[6:] for t in texts]
    a, b = module._Side(range(40), texts), module._Side(range(40), edited)
    searched = module._dp(a, b, 0, 40, 0, 40, module._Budget(40 * 40))
    assert sum(1 for sa, sb in searched if sa and sb) >= 35
    assert module._dp(a, b, 0, 40, 0, 40, module._Budget(40 * 40 - 1)) == [((i,), ()) for i in range(40)] + [
        ((), (j,)) for j in range(40)
    ]
    budget = module._Budget(2000)
    module._dp(a, b, 0, 40, 0, 40, budget)
    assert budget.cells == 400  # what one region used is gone for the next
