"""Corpus manifests: the bundled one, refusals that name the file and the JSON path, folder layouts."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.errors import InputError
from aligner.manifest import from_folder, load, load_manifest

from .conftest import CORPUS, ROOT

SCHEMA = ROOT / "schemas" / "manifest.schema.json"
BUNDLED = CORPUS / "manifest.json"


def _write(folder: Path, data: Any) -> Path:
    path = folder / "manifest.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _minimal() -> dict[str, Any]:
    return {
        "documents": [
            {"id": "d1", "witnesses": [{"siglum": "a", "path": "a.txt"}, {"siglum": "b", "path": "b.txt"}]},
            {
                "id": "d2",
                "base": "y",
                "witnesses": [{"siglum": "x", "path": "x.txt"}, {"siglum": "y", "path": "y.txt"}],
            },
        ]
    }


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


def test_bundled_manifest_matches_the_files_it_lists() -> None:
    manifest = load_manifest(BUNDLED)
    (document,) = manifest.documents
    assert document.id == "nhrap-2021-2025"
    assert document.base == "web"
    assert document.title.startswith("国家人权行动计划")
    for entry in document.witnesses:
        assert entry.file == (CORPUS / entry.path).resolve()
        assert hashlib.sha256(entry.file.read_bytes()).hexdigest() == entry.sha256
    assert [(w.siglum, w.kind) for w in document.witnesses] == [("web", "web"), ("pdf", "pdf")]


def test_load_takes_a_folder_with_a_manifest_or_the_file() -> None:
    assert load(CORPUS) == load(BUNDLED) == load_manifest(BUNDLED)


# (mutation of the minimal manifest, JSON path the message must name, words it must contain)
BAD: list[tuple[str, Any, str, str]] = [
    ("no documents", lambda m: m.pop("documents"), "$:", "'documents' is a required property"),
    ("empty list", lambda m: m["documents"].clear(), "$.documents:", "should be non-empty"),
    ("one witness", lambda m: m["documents"][1]["witnesses"].pop(), "$.documents[1].witnesses:", "too short"),
    ("id with slash", lambda m: m["documents"][0].update(id="a/b"), "$.documents[0].id:", "does not match"),
    ("hidden id", lambda m: m["documents"][0].update(id=".x"), "$.documents[0].id:", "does not match"),
    (
        "bad sha",
        lambda m: m["documents"][0]["witnesses"][1].update(sha256="xyz"),
        "$.documents[0].witnesses[1].sha256:",
        "does not match",
    ),
    (
        "siglum with digit first",
        lambda m: m["documents"][1]["witnesses"][0].update(siglum="1st"),
        "$.documents[1].witnesses[0].siglum:",
        "does not match",
    ),
    (
        "typo in a key",
        lambda m: m["documents"][0]["witnesses"][0].update(knd="web"),
        "$.documents[0].witnesses[0]:",
        "'knd' was unexpected",
    ),
    ("path missing", lambda m: m["documents"][0]["witnesses"][0].pop("path"), "$.documents[0].witnesses[0]:", "path"),
    ("duplicate id", lambda m: m["documents"][1].update(id="d1"), "$.documents[1].id:", "used twice"),
    ("id differing in case", lambda m: m["documents"][1].update(id="D1"), "$.documents[1].id:", "used twice"),
    (
        "duplicate siglum",
        lambda m: m["documents"][0]["witnesses"][1].update(siglum="a"),
        "$.documents[0].witnesses[1].siglum:",
        "used twice",
    ),
    ("unknown base", lambda m: m["documents"][0].update(base="zz"), "$.documents[0].base:", "not one of the sigla"),
]


@pytest.mark.parametrize(("case", "mutate", "where", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_manifests_name_the_file_and_the_json_path(
    tmp_path: Path, case: str, mutate: Any, where: str, words: str
) -> None:
    data = _minimal()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as err:
        load_manifest(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {where}"), message
    assert words in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"documents": [', "not JSON: line 1 column 16"),
        (b"\xff\xfe{}", "not UTF-8 at byte 0"),
        (b"[]", "$: [] is not of type 'object'"),
    ],
)
def test_unreadable_manifests_are_refused(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"^" + str(path).replace("\\", "\\\\") + ": ") as err:
        load_manifest(path)
    assert words in str(err.value)


def test_missing_manifest_and_folder_without_documents(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_manifest(tmp_path / "nope.json")
    with pytest.raises(InputError, match="has no document folders"):
        load(tmp_path)


def test_extra_titles_and_metadata_are_allowed(tmp_path: Path) -> None:
    data = _minimal()
    data["documents"][0].update(title_en="Plan", title_zh_Hans="计划", metadata={"year": 2021}, language="zh-Hans")
    assert load_manifest(_write(tmp_path, data)).documents[0].title == ""
    data["documents"][0]["title_"] = "x"
    with pytest.raises(InputError, match="'title_' does not match"):
        load_manifest(_write(tmp_path, data))


def test_paths_resolve_against_the_manifest_folder_not_the_cwd(tmp_path: Path, monkeypatch: Any) -> None:
    sub = tmp_path / "corpus"
    sub.mkdir()
    path = _write(sub, _minimal())
    monkeypatch.chdir(tmp_path)
    manifest = load_manifest(Path("corpus") / "manifest.json")
    assert manifest.documents[0].witnesses[0].file == sub.resolve() / "a.txt"
    assert manifest.documents[0].witnesses[0].path == "a.txt"
    assert manifest.source == Path("corpus/manifest.json")
    assert path.is_file()


def _touch(path: Path, text: str = "x\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_from_folder_sorts_documents_and_witnesses(tmp_path: Path) -> None:
    for name in ("b/web.txt", "b/pdf.txt", "a/z.txt", "a/m.txt", "a/notes.md", "a/.hidden.txt", ".git/x.txt"):
        _touch(tmp_path / name)
    (tmp_path / "loose.txt").write_text("x", encoding="utf-8")
    manifest = from_folder(tmp_path)
    assert [d.id for d in manifest.documents] == ["a", "b"]
    assert [[w.siglum for w in d.witnesses] for d in manifest.documents] == [["m", "z"], ["pdf", "web"]]
    assert manifest.documents[1].witnesses[1].path == "b/web.txt"
    assert all(w.file.is_absolute() for d in manifest.documents for w in d.witnesses)
    assert load(tmp_path) == manifest


def test_from_folder_refuses_a_folder_name_that_cannot_be_an_id(tmp_path: Path) -> None:
    _touch(tmp_path / "good" / "a.txt")
    _touch(tmp_path / "bad name" / "a.txt")
    with pytest.raises(InputError, match="bad name: folder name cannot be a document id"):
        from_folder(tmp_path)


IDS = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9._-]{0,12}\Z")
SIGLA = st.from_regex(r"\A[A-Za-z_\u4e00-\u4e10][A-Za-z0-9._-]{0,6}\Z")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    documents=st.lists(
        st.tuples(IDS, st.lists(SIGLA, min_size=2, max_size=4, unique=True)),
        min_size=1,
        max_size=5,
        unique_by=lambda d: d[0].casefold(),
    )
)
def test_any_valid_manifest_round_trips(tmp_path: Path, documents: list[tuple[str, list[str]]]) -> None:
    data = {
        "documents": [
            {"id": doc_id, "base": sigla[-1], "witnesses": [{"siglum": s, "path": f"{doc_id}/{s}.txt"} for s in sigla]}
            for doc_id, sigla in documents
        ]
    }
    manifest = load_manifest(_write(tmp_path, copy.deepcopy(data)))
    assert [d.id for d in manifest.documents] == [d["id"] for d in data["documents"]]
    for document, (doc_id, sigla) in zip(manifest.documents, documents, strict=True):
        assert document.base == sigla[-1]
        assert [w.siglum for w in document.witnesses] == sigla
        assert all(w.file == tmp_path.resolve() / doc_id / f"{w.siglum}.txt" for w in document.witnesses)


@pytest.mark.parametrize("field", ["id", "siglum", "kind", "language"])
def test_a_value_with_a_final_newline_does_not_pass_for_a_name(tmp_path: Path, field: str) -> None:
    """JSON Schema's ``$`` is the end of the string; Python's would also allow a final newline."""
    document: dict[str, Any] = {"id": "d1", "language": "zh", "witnesses": []}
    for siglum in ("web", "pdf"):
        (tmp_path / f"{siglum}.txt").write_text("一段。\n", encoding="utf-8")
        document["witnesses"].append({"siglum": siglum, "path": f"{siglum}.txt", "kind": siglum})
    target = document if field in ("id", "language") else document["witnesses"][0]
    target[field] += "\n"
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"documents": [document]}), encoding="utf-8")
    with pytest.raises(InputError, match="does not match"):
        load_manifest(path)


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root reads any folder")
def test_a_folder_that_cannot_be_listed_or_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    for siglum in ("web", "pdf"):
        (corpus / "a" / f"{siglum}.txt").write_text("一段。\n", encoding="utf-8")
    (corpus / "a" / "loop1.txt").symlink_to("loop2.txt")
    (corpus / "a" / "loop2.txt").symlink_to("loop1.txt")
    with pytest.raises(InputError, match=r"symlink loop|Too many levels"):
        load(corpus)
    (corpus / "a" / "loop1.txt").unlink()
    (corpus / "a" / "loop2.txt").unlink()
    (corpus / "locked").mkdir()
    (corpus / "locked").chmod(0)
    try:
        # Root reads any folder; setpriv drops that power for the child, as any other user has it.
        prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"] if os.geteuid() == 0 else []
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "aligner", "batch", str(corpus), "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        (corpus / "locked").chmod(0o755)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "locked: cannot be read" in proc.stderr
