"""Saved alignments read back: JSON gives an equal alignment, TEI too where the witnesses share one structure."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from aligner import load
from aligner.align import align
from aligner.errors import InputError
from aligner.export import to_csv, to_html, to_json, to_tei
from aligner.model import Alignment
from aligner.pipeline import align_files

from .conftest import PARAS, PDF, ROOT, WEB, edit_scripts, witness

SCHEMA = json.loads((ROOT / "schemas" / "alignment.schema.json").read_text(encoding="utf-8"))


def three_witnesses() -> Alignment:
    base = PARAS[:60]
    edited = list(base)
    edited[5] = edited[5].replace("，", ",", 1)
    edited[10] = edited[10][:5] + "鑫淼" + edited[10][7:]
    other = [*base[:20], base[20][:30], base[20][30:], *base[21:40], *base[41:55], base[40], *base[55:58]]
    return align([witness(base, "A"), witness(edited, "B"), witness(other, "C")])


def same_units(loaded: Alignment, original: Alignment) -> None:
    """What both formats keep: witnesses and their paragraphs, units, statuses, moves and variants."""
    assert loaded.sigla == original.sigla and loaded.base == original.base
    for a, b in zip(loaded.witnesses, original.witnesses, strict=True):
        assert (a.witness.path, a.witness.sha256, a.profile) == (b.witness.path, b.witness.sha256, b.profile)
        assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
    assert loaded.units == original.units


def round_trip(alignment: Alignment, tmp_path: Path) -> None:
    as_json, as_tei = tmp_path / "a.json", tmp_path / "a.xml"
    as_json.write_bytes(to_json(alignment))
    as_tei.write_bytes(to_tei(alignment))
    from_json, from_tei = load(as_json), load(as_tei)
    assert from_json == alignment
    assert from_tei == alignment
    assert to_json(from_json) == as_json.read_bytes()
    assert to_csv(from_json) == to_csv(alignment) and to_html(from_json) == to_html(alignment)
    same_units(from_json, alignment)
    same_units(from_tei, alignment)
    assert to_tei(from_tei) == as_tei.read_bytes()


def test_the_seed_round_trips_through_json_and_tei(tmp_path: Path) -> None:
    alignment = align_files([WEB, PDF])
    round_trip(alignment, tmp_path)
    data = json.loads(to_json(alignment))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    (pdf,) = [w for w in data["witnesses"] if w["siglum"] == "pdf"]
    first = pdf["normalized"][1]["source"]
    assert (first["start"], first["exact"]) == ({"line": 3, "column": 1}, True)  # pdf.txt line 3 starts it


def test_three_witnesses_round_trip(tmp_path: Path) -> None:
    round_trip(three_witnesses(), tmp_path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit_scripts())
def test_edited_pairs_round_trip(tmp_path: Path, script: tuple[list[str], list[str], dict[int, str], int]) -> None:
    original, edited, _, _ = script
    round_trip(align([witness(original, "a"), witness(edited, "b")]), tmp_path)


def test_load_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    for content, problem in (
        (b"plain text", "neither"),
        (b"{not json", "not an aligner JSON"),
        (b"<a>", "not well-formed"),
    ):
        bad = tmp_path / "bad"
        bad.write_bytes(content)
        with pytest.raises(InputError, match=problem):
            load(bad)


def test_variant_locations_point_into_the_witness_files() -> None:
    lines = WEB.read_text(encoding="utf-8").split("\n")
    alignment = align_files([WEB, PDF])
    unit = alignment.units[1]
    spans = alignment.locate(unit)
    web, pdf = spans["web"], spans["pdf"]
    assert web is not None and pdf is not None
    assert (web.line, web.column) == (2, 3) and lines[1][web.column - 1 :].startswith(PARAS[1][:10])
    assert pdf.line == 3 and pdf.end_line > pdf.line  # the pdf's paragraph spans several of its lines
