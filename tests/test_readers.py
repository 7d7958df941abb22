"""Reading what users have: PDF, HTML, DOCX, TEI and text in any common encoding, and standard input.

The files are made here from the seed's web edition with real tools (fpdf2 in a Debian
CJK font, pyphen, python-docx), and must read back to the paragraphs they were made from.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.errors import DecodeError, InputError, UsageError
from aligner.normalize import normalize_witness
from aligner.pipeline import align_files
from aligner.readers.text import decode
from aligner.samples import CJK_FONT, html_page, typeset_english_pdf, typeset_pdf, web_paragraphs, write_docx
from aligner.witness import read_witness

from .conftest import PDF, WEB

PARAS = web_paragraphs()
GPL = Path("/usr/share/common-licenses/GPL-3")


def aligner(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aligner", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def paragraphs_of(path: Path, **options: str) -> list[str]:
    return [p.text for p in normalize_witness(read_witness(path, **options)).paragraphs]  # type: ignore[arg-type]


# --- PDF ---------------------------------------------------------------------------------------------

needs_fpdf = pytest.mark.skipif(
    not CJK_FONT.is_file(),
    reason=f"the Debian font fonts-wqy-zenhei ({CJK_FONT}) is not installed; .ci/run installs it",
)


@pytest.fixture(scope="module")
def typeset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("fpdf", reason="fpdf2 is in the test extras")
    pytest.importorskip("pypdfium2", reason="pypdfium2 is the pdf extra, in the test extras")
    return tmp_path_factory.mktemp("pdf")


@needs_fpdf
@pytest.mark.parametrize(
    ("page", "size", "margin"),
    [((148, 210), 11, 16), ((210, 297), 12, 25), ((148, 210), 9, 12)],
    ids=["A5", "A4", "A5-small"],  # small type breaks Latin tokens: PM|2.5, 1+|N
)
def test_a_typeset_pdf_reads_back_to_the_paragraphs_it_was_made_from(
    typeset: Path, page: tuple[int, int], size: float, margin: int
) -> None:
    body = PARAS[94:]  # the chapters the seed pdf lacks, with their headings set larger
    pdf = typeset_pdf(typeset / f"{page[0]}-{size}.pdf", body, page=page, size=size, margin=margin)
    witness = read_witness(pdf)
    assert witness.format == "pdf" and witness.layout is not None
    result = normalize_witness(witness)
    assert [p.text for p in result.paragraphs] == body
    assert {f.kind for f in result.furniture} == {"header", "page-number"}
    assert len(result.page_breaks) == witness.source.count("\f")
    # furniture is placed as a PDF reader counts: the running head on line 1 of every page
    heads = [f for f in result.furniture if f.kind == "header"]
    assert {f.line for f in heads} == {1} and len({f.page for f in heads}) == len(heads)
    assert all(witness.source[f.source_start : f.source_end] == f.text for f in result.furniture)


@needs_fpdf
def test_indents_alone_mark_the_paragraphs_of_unpunctuated_text(typeset: Path) -> None:
    body = ["".join(c for c in p if c.isalnum()) for p in PARAS[100:140]]
    pdf = typeset_pdf(typeset / "classical.pdf", body, indent_only=True)
    assert paragraphs_of(pdf) == body


@pytest.mark.skipif(not GPL.is_file(), reason=f"{GPL} (Debian's base-files) is not here")
def test_an_english_pdf_with_hyphenation_reads_back(typeset: Path) -> None:
    pytest.importorskip("pyphen", reason="pyphen is in the test extras")
    blocks = [" ".join(b.split()) for b in GPL.read_text(encoding="utf-8").split("\n\n")]
    body = [b for b in blocks if b]  # the whole licence, its capitals hyphenated too (AS- / SUME)
    pdf = typeset_english_pdf(typeset / "gpl.pdf", body)
    latin = [b.encode("latin-1", "replace").decode("latin-1") for b in body]
    assert paragraphs_of(pdf) == latin


@needs_fpdf
def test_check_points_at_the_page_line_and_column_of_a_pdf(typeset: Path, tmp_path: Path) -> None:
    body = PARAS[94:130]
    pdf = typeset_pdf(typeset / "check.pdf", body)
    target = next(i for i, p in enumerate(body) if i > 10 and "保护" in p)
    changed = [p.replace("保护", "保卫", 1) if i == target else p for i, p in enumerate(body)]
    web = tmp_path / "web.txt"
    web.write_text("".join(f"\u3000\u3000{p}\n" for p in changed), encoding="utf-8")
    result = aligner("check", web, pdf, "--sigla", "web,pdf", "--base", "pdf")
    assert result.returncode == 1
    (line,) = [x for x in result.stdout.splitlines() if ": substantive:" in x]
    assert str(web) in line  # the base is the pdf, the changed word stands in web.txt
    found = aligner("check", pdf, web, "--sigla", "pdf,web")
    (line,) = [x for x in found.stdout.splitlines() if ": substantive:" in x]
    assert line.startswith(f"{web}:{target + 1}:")
    pdf_side = aligner(
        "check", web, pdf, "--sigla", "web,pdf"
    )  # the base is web: the finding stands where the pdf reads it
    (line,) = [x for x in pdf_side.stdout.splitlines() if ": substantive:" in x]
    assert line.startswith(f"{pdf}:")
    row, column = map(int, line[len(str(pdf)) + 1 :].split(":")[:2])
    page = int(line.rsplit("(page ", 1)[1].split(")")[0])
    page_lines = read_witness(pdf).source.split("\f")[page - 1].split("\n")
    assert page_lines[row - 1][column - 1 :].startswith("保护"), (page, row, column)


@pytest.mark.parametrize(("module", "suffix", "extra"), [("pypdfium2", ".pdf", "pdf"), ("docx", ".docx", "docx")])
def test_a_missing_extra_is_named(
    module: str, suffix: str, extra: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    path = tmp_path / f"edition{suffix}"
    path.write_bytes(b"%PDF-1.7\n" if extra == "pdf" else b"PK\x03\x04word/")
    with pytest.raises(UsageError, match=rf"pip install 'aligner\[{extra}\]'"):
        read_witness(path)


def test_a_broken_pdf_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    result = aligner("normalize", broken)
    assert result.returncode == 2 and "not a readable PDF" in result.stderr and "Traceback" not in result.stderr


# --- HTML, DOCX, TEI -----------------------------------------------------------------------------


def test_a_web_page_aligns_to_the_text_edition_with_every_unit_equal(tmp_path: Path) -> None:
    page = tmp_path / "web.html"
    page.write_text(html_page(PARAS), encoding="utf-8")
    witness = read_witness(page)
    assert witness.format == "html"
    assert paragraphs_of(page) == PARAS  # no nav, no script, no comment; entities decoded
    alignment = align_files([page, WEB], sigla=["html", "text"])
    assert alignment.counts()["equal"] == len(PARAS) == len(alignment.units)


def test_positions_in_a_web_page_are_its_own_lines_and_columns(tmp_path: Path) -> None:
    page = tmp_path / "web.html"
    source = html_page(PARAS)
    page.write_text(source, encoding="utf-8")
    changed = tmp_path / "web.txt"
    target = next(i for i, p in enumerate(PARAS) if i > 30 and "推进" in p)
    edited = [p.replace("推进", "促进", 1) if i == target else p for i, p in enumerate(PARAS)]
    changed.write_text("".join(f"\u3000\u3000{p}\n" for p in edited), encoding="utf-8")
    result = aligner("check", changed, page)
    (finding,) = [line for line in result.stdout.splitlines() if ": substantive:" in line]
    assert finding.startswith(f"{page}:")
    line, column = map(int, finding.split(":")[1:3])
    assert source.split("\n")[line - 1][column - 1 :].startswith("推进")


def test_a_word_document_aligns_to_the_text_edition(tmp_path: Path) -> None:
    pytest.importorskip("docx", reason="python-docx is the docx extra, in the test extras")
    document = write_docx(tmp_path / "plan.docx", PARAS)
    witness = read_witness(document)
    assert witness.format == "docx"
    assert paragraphs_of(document) == PARAS
    heads = [p for p in normalize_witness(witness).paragraphs if p.kind.value == "head"]
    assert heads and all(p.level >= 1 for p in heads)
    assert align_files([document, WEB], sigla=["docx", "text"]).counts()["equal"] == len(PARAS)


def test_a_word_document_that_unpacks_past_the_input_limit_is_refused(tmp_path: Path) -> None:
    """A zip bomb: the DOCX is small, what it unpacks to is held to the input limit."""
    pytest.importorskip("docx", reason="python-docx is the docx extra, in the test extras")
    document = write_docx(tmp_path / "plan.docx", PARAS[:3])
    with zipfile.ZipFile(document, "a", compression=zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("word/padding.xml", b" " * 3_000_000)
    assert document.stat().st_size < 100_000
    env = {**os.environ, "ALIGNER_MAX_INPUT_BYTES": "2000000"}
    result = aligner("normalize", document, env=env)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "unpacks to" in result.stderr and "ALIGNER_MAX_INPUT_BYTES" in result.stderr
    assert aligner("normalize", document).returncode == 0


def test_a_tei_edition_reads_its_blocks_and_leaves_notes_out(tmp_path: Path) -> None:
    tei = tmp_path / "edition.xml"
    tei.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/>'
        "<text><body><div><head>第一章</head>\n<p>正文一段。<note>编者注：不是正文。</note>继续。</p>\n"
        "<lg><l>诗句一</l><l>诗句二</l></lg><list><item>——一项。</item></list><ab>另一块。</ab></div></body></text></TEI>\n",
        encoding="utf-8",
    )
    assert paragraphs_of(tei) == ["第一章", "正文一段。继续。", "诗句一", "诗句二", "——一项。", "另一块。"]
    witness = normalize_witness(read_witness(tei))
    line, column = witness.source_position(0)
    assert tei.read_text(encoding="utf-8").split("\n")[line - 1][column - 1 :].startswith("第一章</head>")


def test_aligner_tei_is_read_as_its_base_witness(tmp_path: Path) -> None:
    from aligner.export import to_tei

    tei = tmp_path / "a.xml"
    tei.write_bytes(to_tei(align_files([WEB, PDF])))
    assert paragraphs_of(tei) == PARAS


def test_the_format_can_be_forced(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("<p>一段</p>", encoding="utf-8")
    assert paragraphs_of(page) == ["<p>一段</p>"]
    assert paragraphs_of(page, format="html") == ["一段"]
    with pytest.raises(UsageError, match="--format"):
        read_witness(page, format="rtf")


# --- encodings ----------------------------------------------------------------------------------

SAMPLES = {
    "gb18030": "\n".join(PARAS[:20]),
    "big5": "國家人權行動計劃，保障人民權利。這是繁體中文的測試文本，包含多個段落與標點符號。\n" * 12,
    "shift_jis": "日本語のテキストです。これはシフトJISでエンコードされた文章の例です。東京都に住んでいます。\n" * 12,
    "cp1252": "Café déjà vu — naïve façade. The œuvre costs 5 € and “quotes” are curly.\n" * 12,
    "latin-1": "Le garçon était très âgé; il aimait la crème brûlée et les élèves.\n" * 12,
    "utf-16-le": "\n".join(PARAS[:10]),
    "utf-16-be": "\n".join(PARAS[:10]),
}


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_every_common_encoding_reads_back_without_being_named(encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "edition.txt"
    path.write_bytes(SAMPLES[encoding].encode(encoding))
    witness = read_witness(path)
    assert witness.source == SAMPLES[encoding]
    assert codecs.lookup(witness.encoding).name in {codecs.lookup(encoding).name, "cp932", "cp1252"}


def test_an_encoding_can_be_named_and_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "edition.txt"
    path.write_bytes("Ärger über Öl".encode("cp850"))
    assert read_witness(path, encoding="cp850").source == "Ärger über Öl"
    with pytest.raises(DecodeError, match="unknown encoding"):
        read_witness(path, encoding="klingon")
    alignment = align_files([path, path], sigla=["a", "b"], options=None)
    assert alignment.witness("a").witness.encoding


def test_the_encoding_and_format_read_are_recorded_in_every_output(tmp_path: Path) -> None:
    from lxml import etree

    edition = tmp_path / "plan.txt"
    edition.write_bytes("".join(f"{p}\n" for p in PARAS[:20]).encode("gb18030"))
    page = tmp_path / "page.html"
    page.write_text(html_page(PARAS[:20]), encoding="utf-8")
    outputs = {"--json": tmp_path / "a.json", "--tei": tmp_path / "a.xml", "--html": tmp_path / "a.html"}
    assert aligner("align", edition, page, *(str(x) for pair in outputs.items() for x in pair)).returncode == 0
    records = json.loads(outputs["--json"].read_text(encoding="utf-8"))["witnesses"]
    assert [(w["format"], w["encoding"]) for w in records] == [("text", "gb18030"), ("html", "utf-8")]
    tree = etree.parse(str(outputs["--tei"]))
    idno = tree.xpath("//t:witness/t:idno[@type='encoding']/text()", namespaces={"t": "http://www.tei-c.org/ns/1.0"})
    assert idno == ["gb18030", "utf-8"]
    assert "text, gb18030" in outputs["--html"].read_text(encoding="utf-8")
    from aligner import load

    assert [w.witness.encoding for w in load(outputs["--tei"]).witnesses] == ["gb18030", "utf-8"]
    assert [w.witness.format for w in load(outputs["--json"]).witnesses] == ["text", "html"]


WHOLE = "\n".join(PARAS)


@st.composite
def passages(draw: st.DrawFn) -> str:
    """A stretch of real text (a reader of encodings is judged on text, not on noise)."""
    start = draw(st.integers(0, len(WHOLE) - 400))
    return WHOLE[start : start + draw(st.integers(40, 400))]


@settings(max_examples=80, deadline=None)
@given(
    text=passages(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030"]),
)
def test_text_in_any_supported_encoding_reads_back_unchanged(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding))[0] == text


@pytest.mark.parametrize("control", ["\x1b", "\x00"])
def test_a_stray_control_character_is_dropped_with_a_warning_not_refused(tmp_path: Path, control: str) -> None:
    path = tmp_path / "edition.txt"
    path.write_text(f"　　国家人权{control}行动计划\n第二段。\n", encoding="utf-8")
    result = aligner("normalize", path)
    assert result.returncode == 0
    assert result.stdout == "国家人权行动计划\n第二段。\n"
    assert f"{path}:1:7: dropped control character U+{ord(control):04X}" in result.stderr


def test_mostly_binary_data_is_refused_saying_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    rng = random.Random(1)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    with pytest.raises(InputError, match="binary data"):
        read_witness(path)


# --- standard input ------------------------------------------------------------------------------


def test_standard_input_is_a_witness() -> None:
    result = aligner("normalize", "-", input=PDF.read_text(encoding="utf-8"))
    assert result.returncode == 0 and result.stdout.splitlines() == PARAS[:94]
    check = aligner("check", WEB, "-", "--allow", "gap", input=PDF.read_text(encoding="utf-8"))
    assert check.returncode == 0, check.stdout + check.stderr
    twice = aligner("align", "-", "-")
    assert twice.returncode == 2 and "standard input" in twice.stderr


# --- reflow of what extractors leave ---------------------------------------------------------------


def test_a_number_split_across_a_line_end_joins_without_a_space() -> None:
    from aligner.normalize import normalize_text

    gold = [p for p in PARAS if any(c.isdigit() for c in p)][:40]
    width = 23
    lines = []
    split = 0
    for paragraph in gold:
        text = "\u3000\u3000" + paragraph
        for start in range(0, len(text), width):
            lines.append(text[start : start + width])
            split += text[start + width - 1 : start + width + 1].isdigit() and start + width < len(text)
    assert split >= 3  # the wrap falls inside numbers here (20|35, 88|%...)
    assert [p.text for p in normalize_text("\n".join(lines) + "\n").paragraphs] == gold
