"""TEI export: valid against our schema and the official tei_all, lossless, readable by teiphy.

The official schema (../shared/schemas/tei_all.rng, TEI P5 4.12.0) takes lxml a few
seconds to compile, so it is compiled once per session.
"""

from __future__ import annotations

import contextlib
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from aligner import tei
from aligner.align import align
from aligner.errors import InputError, ValidationError
from aligner.model import Alignment, VariantType
from aligner.pipeline import align_files
from aligner.tei import write as tei_export
from aligner.tei.names import XML_ID

from .conftest import PARAS, PDF, ROOT, WEB, witness

TEI_ALL = ROOT.parent / "shared" / "schemas" / "tei_all.rng"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
BROKEN = Path(__file__).parent / "data" / "tei"


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    if not TEI_ALL.is_file():
        pytest.skip(f"the official TEI schema is not here ({TEI_ALL}); it lives in ../shared beside the checkout")
    return etree.RelaxNG(etree.parse(str(TEI_ALL)))


@pytest.fixture(scope="module")
def seed() -> Alignment:
    return align_files([WEB, PDF])


def export(alignment: Alignment, tmp_path: Path, name: str = "out.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(tei_export.render(alignment))
    return path


def assert_valid(path: Path, tei_all: etree.RelaxNG) -> None:
    tei.validate(path)  # raises with line numbers when invalid
    document = etree.parse(str(path))
    assert tei_all.validate(document), tei_all.error_log


def assert_lossless(alignment: Alignment, path: Path) -> None:
    for nw in alignment.witnesses:
        assert tei.witness_paragraphs(path, nw.siglum) == [p.text for p in nw.paragraphs], nw.siglum
        assert plain_reading(path, nw.siglum) == [p.text for p in nw.paragraphs], nw.siglum


def plain_reading(path: Path, siglum: str) -> list[str]:
    """A witness as any reader of parallel segmentation sees it, with two XPath expressions:
    its blocks are those inside no ``rdg`` of another witness, its text all text inside no
    such ``rdg``; characters XML forbids come back from their ``g`` declarations."""
    root = etree.parse(str(path)).getroot()
    other = f"ancestor::t:rdg[not(contains(concat(' ', @wit, ' '), ' #{siglum} '))]"
    blocks = root.xpath(f"//t:body//*[self::t:p or self::t:head or self::t:item][not({other})]", namespaces=NS)
    glyphs = {
        f"#{c.get(XML_ID)}": chr(int(c.get(XML_ID).rsplit(".U", 1)[1], 16)) for c in root.iterfind(".//t:char", NS)
    }
    paragraphs = []
    for block in blocks:
        parts = block.xpath(f".//text()[not({other})] | .//t:g[not({other})]", namespaces=NS)
        paragraphs.append("".join(glyphs[p.get("ref")] if isinstance(p, etree._Element) else str(p) for p in parts))
    return paragraphs


def three_witnesses() -> Alignment:
    """Base; one with punctuation, a control character, a changed word; one split, moved, truncated."""
    base = PARAS[:60]
    edited = list(base)
    edited[5] = edited[5].replace("，", ",", 1)
    edited[8] = edited[8].replace("人权", "人\x0c权", 1)  # a form feed that spacing keeps, XML forbids
    edited[10] = edited[10][:5] + "鑫淼" + edited[10][7:]
    other = [*base[:20], base[20][:30], base[20][30:], *base[21:40], *base[41:55], base[40], *base[55:58]]
    return align([witness(base, "A"), witness(edited, "B"), witness(other, "C")])


def test_seed_corpus_is_valid_lossless_and_structured(seed: Alignment, tei_all: etree.RelaxNG, tmp_path: Path) -> None:
    path = export(seed, tmp_path)
    assert_valid(path, tei_all)
    assert_lossless(seed, path)
    root = etree.parse(str(path)).getroot()
    assert [w.get("{http://www.w3.org/XML/1998/namespace}id") for w in root.iterfind(".//t:witness", NS)] == [
        "web",
        "pdf",
    ]
    sha = {i.getparent().get("n"): i.text for i in root.iterfind(".//t:witness/t:idno[@type='sha256']", NS)}
    assert sha == {w.siglum: w.witness.sha256 for w in seed.witnesses}
    web = seed.witness("web")
    heads = [p for p in web.paragraphs if p.kind.value == "head"]
    for level in (1, 2):  # a div for each heading of the base, with the heading first
        divs = root.findall(f".//t:body//t:div[@type='level{level}']", NS)
        assert len(divs) == sum(1 for p in heads if p.level == level)
        assert all(div[0].tag == f"{{{NS['t']}}}head" for div in divs)
    assert len(root.findall(".//t:item", NS)) == sum(1 for p in web.paragraphs if p.kind.value == "item")
    # the pdf stops after paragraph 94: one app holds the rest, and marks where the pdf ends
    (tail,) = root.findall(".//t:app[@type='gap']", NS)
    assert tail.get("n") == "u95" and tail.find("t:rdg[@wit='#pdf']/t:witEnd", NS) is not None
    assert len(root.findall(".//t:pb[@edRef='#pdf']", NS)) == len(seed.witness("pdf").page_breaks)
    ana = [b.get("ana") for b in root.iterfind(".//t:body//*[@ana]", NS) if b.tag != f"{{{NS['t']}}}app"]
    assert ana.count("#aligner.equal") == 94 and ana.count("#aligner.gap") == 191


def test_page_breaks_fall_inside_the_sentence_they_split(seed: Alignment, tmp_path: Path) -> None:
    root = etree.parse(str(export(seed, tmp_path))).getroot()
    pdf = seed.witness("pdf")
    inline = [pb for pb in root.iterfind(".//t:p/t:pb", NS)] + [pb for pb in root.iterfind(".//t:item/t:pb", NS)]
    assert inline  # the seed's page breaks in mid-sentence stay where the pdf had them
    for pb in inline:
        before = (pb.getparent().text or "") if pb.getprevious() is None else (pb.getprevious().tail or "")
        assert before and before in pdf.text


def test_three_witnesses_with_a_split_a_move_and_a_forbidden_character(tei_all: etree.RelaxNG, tmp_path: Path) -> None:
    alignment = three_witnesses()
    path = export(alignment, tmp_path)
    assert_valid(path, tei_all)
    assert_lossless(alignment, path)
    root = etree.parse(str(path)).getroot()
    chars = [c.get("{http://www.w3.org/XML/1998/namespace}id") for c in root.iterfind(".//t:charDecl/t:char", NS)]
    assert chars == ["aligner.U000C"]
    moved = root.findall(".//t:app[@type='moved']", NS)
    assert len(moved) == 2  # at the base's place and at the witness's own, pointing at each other
    ids = {m.get("{http://www.w3.org/XML/1998/namespace}id") for m in moved}
    assert {m.get("corresp")[1:] for m in moved} == ids
    types = {a.get("type") for a in root.iterfind(".//t:app", NS)}
    assert {"punctuation", "substantive", "paragraphs", "gap"} <= types


def test_output_is_byte_identical_across_runs(seed: Alignment) -> None:
    assert tei_export.render(seed) == tei_export.render(align_files([WEB, PDF]))


@st.composite
def edit_scripts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    start = draw(st.integers(0, len(PARAS) - 30))
    base = PARAS[start : start + 30]
    edited = list(base)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(edited) - 1))
        op = draw(st.sampled_from(("delete", "insert", "split", "word", "punct", "width", "move")))
        text = edited[i]
        if op == "delete" and len(edited) > 1:
            del edited[i]
        elif op == "insert":
            edited.insert(i, f"插入的第{i}段新内容。")
        elif op == "split" and len(text) > 10:
            edited[i : i + 1] = [text[: len(text) // 2], text[len(text) // 2 :]]
        elif op == "word" and len(text) > 4:
            edited[i] = text[:2] + "鑫淼" + text[4:]
        elif op == "punct":
            edited[i] = text.replace("。", ".", 1)
        elif op == "width":
            edited[i] = text.replace("1", "１", 1)
        elif op == "move" and len(edited) > 3:
            edited.append(edited.pop(i))
    return base, edited


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(script=edit_scripts())
def test_random_edits_give_valid_tei_that_rebuilds_every_witness(
    script: tuple[list[str], list[str]], tei_all: etree.RelaxNG, tmp_path: Path
) -> None:
    base, edited = script
    alignment = align([witness(base, "a"), witness(edited, "b")])
    path = export(alignment, tmp_path)
    assert_valid(path, tei_all)
    assert_lossless(alignment, path)


# --- teiphy reads our apparatus -------------------------------------------------------------------


def _teiphy(path: Path, out: Path, *trivial: str) -> list[list[str]]:
    teiphy = shutil.which("teiphy", path=str(Path(sys.executable).parent))
    if teiphy is None:
        pytest.skip("teiphy is not installed (pip install -e '.[test]')")
    command = [teiphy, *(a for t in trivial for a in ("-t", t)), str(path), str(out)]
    subprocess.run(command, check=True, capture_output=True)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _readings_per_unit(rows: list[list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows[1:]:
        unit = row[0].split(",")[0]
        counts[unit] = counts.get(unit, 0) + 1
    return counts


def test_teiphy_reads_witnesses_and_variants_and_collapses_trivial_types(tmp_path: Path) -> None:
    alignment = three_witnesses()
    path = export(alignment, tmp_path)
    rows = _teiphy(path, tmp_path / "all.csv")
    assert rows[0][1:] == ["A", "B", "C"]
    one_each = [u for u in alignment.units if all(len(p) == 1 for p in u.paragraphs.values())]  # inline apps
    variants = {f"{u.id}.{n}": v.type for u in one_each for n, v in enumerate(u.variants, 1)}
    assert {VariantType.SUBSTANTIVE, VariantType.PUNCTUATION} <= set(variants.values())
    seen = _readings_per_unit(rows)
    assert all(seen.get(app, 0) >= 2 for app in variants)  # every variant, with its readings apart
    collapsed = _readings_per_unit(_teiphy(path, tmp_path / "sub.csv", "whitespace", "punctuation", "width"))
    for app, kind in variants.items():
        if kind is VariantType.SUBSTANTIVE:
            assert collapsed.get(app, 0) >= 2, app
        else:
            assert collapsed.get(app, 0) <= 1, app


# --- validate ---------------------------------------------------------------------------------------


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aligner", *map(str, args)], capture_output=True, text=True, check=False
    )


def _broken_copy(seed: Alignment, tmp_path: Path, old: str, new: str) -> Path:
    """The seed's TEI with the first ``old`` element renamed ``new`` (end tag too), or an attribute changed."""
    text = tei_export.render(seed).decode("utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    if old.startswith("<"):
        tag, renamed = old[1:].split()[0].rstrip(">"), new[1:].split()[0].rstrip(">")
        text = text.replace(f"</{tag}>", f"</{renamed}>", 1)
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_accepts_our_output(seed: Alignment, tmp_path: Path) -> None:
    result = _cli("validate", export(seed, tmp_path))
    assert result.returncode == 0 and result.stdout.endswith(": valid\n")


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("<head n=", "<heading n=", "heading"),
        ("<listWit>", "<listWitness>", "listWitness"),
        ('ana="#aligner.equal"', 'ana="#somewhere"', "ana"),
    ],
)
def test_validate_names_the_line_of_an_invalid_element(
    seed: Alignment, tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = _broken_copy(seed, tmp_path, old, new)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if new in text)
    result = _cli("validate", path)
    assert result.returncode == 1
    assert f"{path}:{line}:" in result.stderr and words in result.stderr
    with pytest.raises(ValidationError):
        tei.validate(path)


def test_validate_refuses_unreadable_xml_in_one_line(tmp_path: Path) -> None:
    result = _cli("validate", BROKEN / "not-well-formed.xml")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not well-formed XML at line 5" in result.stderr
    missing = _cli("validate", tmp_path / "nope.xml")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_validate_refuses_an_endless_stream_after_its_first_block() -> None:
    """``cat /dev/zero | aligner validate -`` stops at once instead of reading gigabytes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "aligner", "validate", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=False,
    )
    assert proc.stdin is not None and proc.stderr is not None
    with contextlib.suppress(BrokenPipeError):
        for _ in range(10_000):  # 640 MB at most, far more than the refusal needs
            proc.stdin.write(bytes(65536))
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.close()
    assert proc.wait(timeout=60) == 2
    assert b"is not XML" in proc.stderr.read()


def test_external_entities_are_never_resolved() -> None:
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").exists() else ""
    result = _cli("validate", BROKEN / "external-entity.xml")
    assert result.returncode == 1 and "DOCTYPE" in result.stderr
    if hostname:
        assert hostname not in result.stderr + result.stdout
    tree = tei.parse(BROKEN / "external-entity.xml")
    assert not hostname or hostname not in etree.tostring(tree, encoding="unicode")


def test_read_witness_refuses_a_siglum_the_file_does_not_list(seed: Alignment, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no witness 'scan'"):
        tei.witness_paragraphs(export(seed, tmp_path), "scan")


def test_sigla_list_in_document_order(seed: Alignment, tmp_path: Path) -> None:
    assert tei.sigla(export(seed, tmp_path)) == ["web", "pdf"]


# --- no parser, and no tool aligner starts, ever fetches anything --------------------------------


class _Listener:
    """A TCP listener on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        import socket
        import threading

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.requests: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.requests.append(connection.recv(4096))
                except OSError:
                    self.requests.append(b"")

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.socket.close()


@pytest.mark.parametrize("where", ["DTD", "entity", "xinclude"])
def test_validate_never_fetches_a_dtd_or_entity(where: str, tmp_path: Path) -> None:
    listener = _Listener()
    url = f"http://127.0.0.1:{listener.port}/evil"
    head = {
        "DTD": f'<!DOCTYPE TEI SYSTEM "{url}.dtd">',
        "entity": f'<!DOCTYPE TEI [<!ENTITY % remote SYSTEM "{url}.dtd"> %remote; <!ENTITY x SYSTEM "{url}.txt">]>',
        "xinclude": "",
    }[where]
    body = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="' + url + '.xml"/>'
        if where == "xinclude"
        else "&x;"
        if where == "entity"
        else ""
    )
    crafted = tmp_path / "crafted.xml"
    crafted.write_text(
        f'<?xml version="1.0"?>{head}<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>{body}</p></body></text></TEI>',
        encoding="utf-8",
    )
    try:
        result = subprocess.run(
            [sys.executable, "-m", "aligner.cli", "validate", str(crafted)], capture_output=True, text=True, check=False
        )
    finally:
        listener.close()
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert listener.requests == [], "something fetched from the listener"


def test_jing_is_only_shown_documents_without_a_doctype(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aligner.tei import schema as validate_module

    shown: list[bytes] = []

    def record(data: bytes, name: str) -> list[str]:
        shown.append(data)
        return []

    monkeypatch.setattr(validate_module, "_jing_messages", record)
    with_doctype = tmp_path / "d.xml"
    with_doctype.write_text('<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd"><root/>', encoding="utf-8")
    with pytest.raises(ValidationError):
        tei.validate(with_doctype)
    assert shown == []
    plain = tmp_path / "p.xml"
    plain.write_text("<root><not-tei/></root>", encoding="utf-8")
    with pytest.raises(ValidationError):
        tei.validate(plain)
    assert shown == [plain.read_bytes()]


def test_the_schema_comes_from_the_package_whatever_lies_around(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aligner.resources import schema_bytes

    assert schema_bytes("aligner-tei.rng") == (ROOT / "schemas" / "aligner-tei.rng").read_bytes()
    permissive = (
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element><anyName/><ref name="any"/>'
        '</element></start><define name="any"><zeroOrMore><choice><element><anyName/><ref name="any"/>'
        "</element><text/></choice></zeroOrMore></define></grammar>"
    )
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "aligner-tei.rng").write_text(permissive, encoding="utf-8")
    (tmp_path / "x.xml").write_text("<root><not-tei/></root>", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "aligner.cli", "validate", "x.xml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1, result.stdout
