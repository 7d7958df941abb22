"""Batch runs over a generated corpus: summary rows, bad files, resuming, interruption, Dask.

The corpus is made from the seed's web paragraphs: windows of 10-30 paragraphs, each
document with a second (and sometimes third) witness edited in a known way, so the
expected counts follow from the edit, not from a previous run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from aligner.batch import BatchOptions, run_batch
from aligner.errors import InputError, UsageError
from aligner.manifest import Manifest, from_folder, load_manifest
from aligner.samples import BATCH_DOCUMENTS, Expected, batch_corpus, web_file

from .conftest import ROOT, web_paragraphs

VOLATILE = ("seconds", "skipped")  # the only summary fields that may differ between runs


def _stable(path: Path) -> bytes:
    """A file's bytes; for the summaries, without the timing columns."""
    if path.name == "summary.json":
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data["documents"]:
            for name in VOLATILE:
                del row[name]
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    if path.name == "summary.csv":
        import csv

        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        keep = [i for i, name in enumerate(rows[0]) if name not in VOLATILE]
        return "\n".join(",".join(row[i] for i in keep) for row in rows).encode("utf-8")
    return path.read_bytes()


def tree(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, except ``skip``."""
    return {
        str(p.relative_to(folder)): _stable(p) for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in skip
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expected]]:
    return batch_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def reference(corpus: tuple[Path, dict[str, Expected]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uninterrupted run with two worker processes: what every other run must reproduce."""
    out = tmp_path_factory.mktemp("reference")
    run_batch(load_manifest(corpus[0]), out, BatchOptions(workers=2), progress=False)
    return out


def _rows(out: Path) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"]}


def test_summary_rows_follow_from_the_edits(corpus: tuple[Path, dict[str, Expected]], reference: Path) -> None:
    manifest, expected = corpus
    rows = _rows(reference)
    assert len(rows) == len(expected) >= BATCH_DOCUMENTS + 5
    assert list(rows) == [d.id for d in load_manifest(manifest).documents]  # manifest order
    for doc_id, want in expected.items():
        row = rows[doc_id]
        assert row["status"] == want.status, (doc_id, row)
        if want.status == "ok":
            assert {k: row[k] for k in want.counts} == want.counts, doc_id
            assert row["error"] == ""
            assert sorted(p.name for p in (reference / doc_id).iterdir()) == [
                ".stamp.json",
                "alignment.csv",
                "alignment.json",
                "alignment.tei.xml",
            ]
        else:
            assert want.error in row["error"], (doc_id, row["error"])
            assert row["units"] is None
            assert not (reference / doc_id).exists()


def test_summary_csv_json_and_totals_agree(reference: Path) -> None:
    import csv

    with (reference / "summary.csv").open(encoding="utf-8", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    summary = json.loads((reference / "summary.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in csv_rows] == [r["id"] for r in summary["documents"]]
    cell = {None: "", True: "yes", False: "no"}
    for text_row, row in zip(csv_rows, summary["documents"], strict=True):
        assert text_row == {
            k: f"{v:.3f}" if isinstance(v, float) else cell.get(v, str(v)) if isinstance(v, bool | None) else str(v)
            for k, v in row.items()
        }
        assert row["skipped"] is False and row["seconds"] >= 0
    totals = summary["totals"]
    assert totals["documents"] == totals["ok"] + totals["error"] == len(csv_rows)
    assert totals["error"] == 5
    assert totals["units"] == sum(r["units"] or 0 for r in summary["documents"])
    assert list(csv_rows[0]) == [
        "id",
        "status",
        "units",
        "equal",
        "variant",
        "gap",
        "substantive",
        "seconds",
        "skipped",
        "error",
        "ignored",
    ]


def test_one_worker_gives_the_same_bytes(
    corpus: tuple[Path, dict[str, Expected]], reference: Path, tmp_path: Path
) -> None:
    manifest = load_manifest(corpus[0])
    subset = Manifest(documents=manifest.documents[:40], source=manifest.source)
    run_batch(subset, tmp_path, BatchOptions(workers=1), progress=False)
    ids = {d.id for d in subset.documents}
    want = {k: v for k, v in tree(reference).items() if k.split("/")[0] in ids}
    got = tree(tmp_path, skip=("summary.csv", "summary.json"))
    assert got == want


def test_rerun_skips_what_is_unchanged_and_redoes_what_changed(
    corpus: tuple[Path, dict[str, Expected]], reference: Path, tmp_path: Path
) -> None:
    manifest_path, _expected = corpus
    manifest = load_manifest(manifest_path)
    subset = Manifest(documents=manifest.documents[:12], source=manifest.source)
    out = tmp_path / "out"
    first = run_batch(subset, out, BatchOptions(workers=1), progress=False)
    before = tree(out)
    again = run_batch(subset, out, BatchOptions(workers=2), progress=False)
    assert tree(out) == before
    ok = [r.id for r in first.results if r.status == "ok"]
    assert [r.id for r in again.results if r.cached] == ok  # errors are retried, ok ones skipped
    # A changed input is redone; an html request redoes all; force redoes without changes.
    victim = next(d for d in subset.documents if d.id == ok[0]).witnesses[1].file
    original = victim.read_bytes()
    try:
        victim.write_bytes(original.replace("\u3000".encode(), b" ", 1))
        third = run_batch(subset, out, BatchOptions(workers=1), progress=False)
        assert [r.id for r in third.results if r.status == "ok" and not r.cached] == ok[:1]
        stamp = json.loads((out / ok[0] / ".stamp.json").read_text(encoding="utf-8"))
        assert stamp["inputs"]["edit"] == hashlib.sha256(victim.read_bytes()).hexdigest()
    finally:
        victim.write_bytes(original)
    with_html = run_batch(subset, out, BatchOptions(workers=1, html=True), progress=False)
    assert not any(r.cached for r in with_html.results)
    assert (out / ok[0] / "alignment.html").is_file()
    forced = run_batch(subset, out, BatchOptions(workers=1, html=True, force=True), progress=False)
    assert not any(r.cached for r in forced.results)


def test_a_changed_witness_format_in_the_manifest_redoes_the_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.html").write_text("<p>一段。</p><p>二段。</p>", encoding="utf-8")
    (corpus / "web.txt").write_text("一段。\n二段。\n", encoding="utf-8")

    def run(page_format: str) -> Any:
        witnesses = [{"siglum": "web", "path": "web.txt"}, {"siglum": "page", "path": "page.html"}]
        witnesses[1]["format"] = page_format
        manifest = {"documents": [{"id": "d", "language": "zh", "witnesses": witnesses}]}
        (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return run_batch(load_manifest(corpus / "manifest.json"), tmp_path / "out", progress=False).results[0]

    assert run("text").status == "ok"
    as_text = json.loads((tmp_path / "out" / "d" / "alignment.json").read_text(encoding="utf-8"))
    assert as_text["summary"]["equal"] == 0
    result = run("html")
    assert result.status == "ok" and not result.cached
    as_html = json.loads((tmp_path / "out" / "d" / "alignment.json").read_text(encoding="utf-8"))
    assert as_html["summary"]["equal"] == as_html["summary"]["units"] == 2


def test_a_document_that_breaks_loses_its_stale_folder(tmp_path: Path) -> None:
    gold = web_paragraphs()
    for doc_id in ("a", "b"):
        (tmp_path / "in" / doc_id).mkdir(parents=True)
        (tmp_path / "in" / doc_id / "web.txt").write_bytes(web_file(gold[:10]))
        (tmp_path / "in" / doc_id / "pdf.txt").write_bytes(web_file(gold[:8]))
    out = tmp_path / "out"
    assert [r.status for r in run_batch(from_folder(tmp_path / "in"), out, progress=False).results] == ["ok", "ok"]
    (tmp_path / "in" / "b" / "pdf.txt").write_bytes(b"")
    result = run_batch(from_folder(tmp_path / "in"), out, progress=False)
    assert [r.status for r in result.results] == ["ok", "error"]
    assert result.results[1].error.startswith("b/pdf.txt: is empty")
    assert not (out / "b").exists() and (out / "a" / "alignment.json").is_file()


def test_batch_and_align_write_the_same_bytes_with_the_manifest_language(tmp_path: Path) -> None:
    """The manifest's language picks the profile, as --profile does on the command line."""
    gold = web_paragraphs()[:30]
    edited = gold[:4] + gold[5:20] + [gold[20] + gold[21]] + gold[22:]
    corpus = tmp_path / "in"
    (corpus / "plan").mkdir(parents=True)
    (corpus / "plan" / "web.txt").write_bytes(web_file(gold))
    (corpus / "plan" / "copy.txt").write_bytes(web_file(edited).replace("，".encode(), b", ", 3))
    witnesses = [{"siglum": "web", "path": "plan/web.txt"}, {"siglum": "copy", "path": "plan/copy.txt"}]
    document = {"id": "plan", "title": "行动计划", "language": "zh-Hant-TW", "base": "copy", "witnesses": witnesses}
    (corpus / "manifest.json").write_text(json.dumps({"documents": [document]}), encoding="utf-8")
    for language, profile in (("zh-Hant-TW", "zh"), ("lzh", "classical"), ("en", "en")):
        document["language"] = language
        (corpus / "manifest.json").write_text(json.dumps({"documents": [document]}), encoding="utf-8")
        out = tmp_path / f"batch-{language}"
        run_batch(load_manifest(corpus / "manifest.json"), out, BatchOptions(workers=2), progress=False)
        cli = tmp_path / f"cli-{language}"
        cli.mkdir()
        command = [sys.executable, "-m", "aligner", "align", "plan/web.txt", "plan/copy.txt"]
        command += ["--sigla", "web,copy", "--base", "copy", "--title", "行动计划", "--profile", profile, "-q"]
        command += ["--json", str(cli / "alignment.json"), "--csv", str(cli / "alignment.csv")]
        command += ["--tei", str(cli / "alignment.tei.xml")]
        done = subprocess.run(command, cwd=corpus, capture_output=True, text=True, check=False)
        assert done.returncode in (0, 1), done.stderr
        for name in ("alignment.json", "alignment.csv", "alignment.tei.xml"):
            assert (out / "plan" / name).read_bytes() == (cli / name).read_bytes(), (language, name)
        data = json.loads((out / "plan" / "alignment.json").read_text(encoding="utf-8"))
        assert {w["profile"] for w in data["witnesses"]} == {profile}


@pytest.mark.parametrize(
    ("in_manifest", "batch_flags", "align_flags"),
    [
        ({"reflow": False, "orthographic": False}, (), ["--no-reflow", "--no-orthographic"]),
        ({}, (("spacing", False), ("profile", "zh-pangu")), ["--no-spacing", "--profile", "zh-pangu"]),
    ],
)
def test_batch_takes_the_options_align_takes_from_the_manifest_or_its_flags(
    tmp_path: Path, in_manifest: dict[str, Any], batch_flags: tuple[tuple[str, Any], ...], align_flags: list[str]
) -> None:
    """Reflow, spacing, orthographic typing, the profile and a witness's encoding: the same bytes."""
    gold = web_paragraphs()[:20]
    corpus = tmp_path / "in"
    (corpus / "plan").mkdir(parents=True)
    (corpus / "plan" / "web.txt").write_bytes(web_file(gold).decode("utf-8").encode("gb18030"))
    wrapped = "".join(p[i : i + 30] + "\n" for p in gold for i in range(0, len(p), 30)).replace("国", "國", 5)
    (corpus / "plan" / "pdf.txt").write_bytes(wrapped.replace("，", " , ", 4).encode("gb18030"))
    witnesses = [
        {"siglum": "web", "path": "plan/web.txt", "encoding": "gb18030"},
        {"siglum": "pdf", "path": "plan/pdf.txt", "encoding": "gb18030"},
    ]
    document = {"id": "plan", "language": "zh", "witnesses": witnesses, **in_manifest}
    (corpus / "manifest.json").write_text(json.dumps({"documents": [document]}), encoding="utf-8")
    out = tmp_path / "batch"
    options = BatchOptions(workers=1, treatment=batch_flags)
    assert run_batch(load_manifest(corpus / "manifest.json"), out, options, progress=False).results[0].status == "ok"
    cli = tmp_path / "cli"
    cli.mkdir()
    command = [sys.executable, "-m", "aligner", "align", "plan/web.txt", "plan/pdf.txt", "--sigla", "web,pdf"]
    command += ["--encoding", "gb18030", *align_flags, "-q"]
    if "--profile" not in align_flags:
        command += ["--profile", "zh"]
    command += ["--json", str(cli / "alignment.json"), "--csv", str(cli / "alignment.csv")]
    command += ["--tei", str(cli / "alignment.tei.xml")]
    done = subprocess.run(command, cwd=corpus, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    for name in ("alignment.json", "alignment.csv", "alignment.tei.xml"):
        assert (out / "plan" / name).read_bytes() == (cli / name).read_bytes(), name
    data = json.loads((out / "plan" / "alignment.json").read_text(encoding="utf-8"))
    assert data["witnesses"][1]["encoding"] == "gb18030"
    # A rerun without the flags is not taken for the same work.
    again = run_batch(load_manifest(corpus / "manifest.json"), out, BatchOptions(workers=1), progress=False)
    assert again.results[0].cached is (not batch_flags)


def test_folders_hold_editions_of_any_format_and_name_what_they_ignore(tmp_path: Path) -> None:
    from aligner.samples import html_page

    gold = web_paragraphs()[:12]
    doc = tmp_path / "in" / "plan"
    doc.mkdir(parents=True)
    (doc / "web.txt").write_bytes(web_file(gold))
    (doc / "web.html").write_text(html_page(gold), encoding="utf-8")
    (doc / "notes.md").write_text("not an edition", encoding="utf-8")
    manifest = from_folder(tmp_path / "in")
    (document,) = manifest.documents
    assert [w.siglum for w in document.witnesses] == ["web.html", "web.txt"]
    assert document.ignored == ("plan/notes.md",)
    summary = run_batch(manifest, tmp_path / "out", BatchOptions(workers=1), progress=False)
    (row,) = summary.results
    assert row.status == "ok" and row.counts["equal"] == 12
    csv_text = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[1].endswith(",plan/notes.md")


def test_a_manifest_can_name_the_format(tmp_path: Path) -> None:
    gold = web_paragraphs()[:8]
    from aligner.samples import html_page

    (tmp_path / "a.txt").write_bytes(web_file(gold))
    (tmp_path / "b.data").write_text(html_page(gold), encoding="utf-8")
    data = {
        "documents": [
            {
                "id": "d",
                "witnesses": [{"siglum": "a", "path": "a.txt"}, {"siglum": "b", "path": "b.data", "format": "html"}],
            }
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    summary = run_batch(
        load_manifest(tmp_path / "manifest.json"), tmp_path.parent / f"{tmp_path.name}-o", progress=False
    )
    assert summary.results[0].counts["equal"] == 8


def test_folder_layout_and_documents_with_too_few_witnesses(tmp_path: Path) -> None:
    gold = web_paragraphs()
    (tmp_path / "in" / "two").mkdir(parents=True)
    (tmp_path / "in" / "one").mkdir()
    (tmp_path / "in" / "two" / "web.txt").write_bytes(web_file(gold[:10]))
    (tmp_path / "in" / "two" / "pdf.txt").write_bytes(web_file(gold[2:10]))
    (tmp_path / "in" / "one" / "web.txt").write_bytes(web_file(gold[:10]))
    summary = run_batch(from_folder(tmp_path / "in"), tmp_path / "out", BatchOptions(workers=2), progress=False)
    rows = {r.id: r for r in summary.results}
    assert rows["one"].error == "one: has 1 witness file; alignment needs at least two"
    assert dict(rows["two"].counts) == {"units": 10, "equal": 8, "variant": 0, "gap": 2, "substantive": 0}
    witnesses = json.loads((tmp_path / "out" / "two" / "alignment.json").read_text(encoding="utf-8"))["witnesses"]
    # Paths in the outputs are the manifest's, not this machine's: results move with the corpus.
    assert [w["path"] for w in witnesses] == ["two/pdf.txt", "two/web.txt"]


def test_contradictory_options_are_usage_errors(tmp_path: Path) -> None:
    manifest = load_manifest(ROOT / "corpora" / "nhrap-2021-2025" / "manifest.json")
    with pytest.raises(UsageError, match="at least 1"):
        run_batch(manifest, tmp_path, BatchOptions(workers=0))
    with pytest.raises(UsageError, match="exclude each other"):
        run_batch(manifest, tmp_path, BatchOptions(workers=2, scheduler="tcp://127.0.0.1:1"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(Exception, match="exists and is not a folder"):
        run_batch(manifest, tmp_path / "file")


def test_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    import io

    manifest = load_manifest(ROOT / "corpora" / "nhrap-2021-2025" / "manifest.json")
    run_batch(manifest, tmp_path / "a", BatchOptions(workers=1))
    assert capsys.readouterr().err == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_batch(manifest, tmp_path / "b", BatchOptions(workers=1))
    assert "1/1" in terminal.getvalue() and "0 errors" in terminal.getvalue()
    terminal.truncate(0)
    run_batch(manifest, tmp_path / "c", BatchOptions(workers=1), progress=False)
    assert terminal.getvalue() == ""


RUNNER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from aligner.batch import BatchOptions, run_batch
    from aligner.manifest import load

    try:
        run_batch(load(sys.argv[1]), Path(sys.argv[2]), BatchOptions(workers=int(sys.argv[3])), progress=False)
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


def _start(tmp_path: Path, manifest: Path, out: Path, workers: int) -> subprocess.Popen[bytes]:
    script = tmp_path / "runner.py"
    script.write_text(RUNNER, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), str(manifest), str(out), str(workers)],
        start_new_session=True,  # its own process group, so the test can signal the pool too
        stderr=subprocess.PIPE,
    )


def _wait_for_documents(out: Path, count: int, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        done = [p for p in out.glob("doc*") if p.is_dir()] if out.is_dir() else []
        if len(done) >= count:
            return len(done)
        time.sleep(0.005)
    pytest.fail(f"the batch ended or stalled before {count} documents were written")


def test_killed_run_resumes_to_the_same_bytes(
    corpus: tuple[Path, dict[str, Expected]], reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    process = _start(tmp_path, corpus[0], out, workers=2)
    _wait_for_documents(out, 20, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (out / "summary.csv").exists(), "the run finished before it was killed"
    resumed = run_batch(load_manifest(corpus[0]), out, BatchOptions(workers=2), progress=False)
    assert sum(r.cached for r in resumed.results) >= 20  # it resumed, it did not start over
    assert tree(out) == tree(reference)
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_ctrl_c_stops_cleanly_with_whole_documents_only(
    corpus: tuple[Path, dict[str, Expected]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    process = _start(tmp_path, corpus[0], out, workers=2)
    _wait_for_documents(out, 10, process)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr
    assert not (out / "summary.csv").exists()
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    for folder in out.iterdir():
        assert sorted(p.name for p in folder.iterdir()) == [
            ".stamp.json",
            "alignment.csv",
            "alignment.json",
            "alignment.tei.xml",
        ]


@pytest.mark.slow
def test_dask_cluster_gives_the_same_outputs_as_local_processes(
    corpus: tuple[Path, dict[str, Expected]], reference: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    manifest = load_manifest(corpus[0])
    documents = tuple(d for i, d in enumerate(manifest.documents) if i < 25 or d.id.startswith("broken"))
    subset = Manifest(documents=documents, source=manifest.source)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        summary = run_batch(
            subset, tmp_path / "dask", BatchOptions(scheduler=cluster.scheduler_address), progress=False
        )
    run_batch(subset, tmp_path / "local", BatchOptions(workers=2), progress=False)
    assert any(r.status == "error" for r in summary.results)  # the broken files went through Dask too
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    ids = {d.id for d in subset.documents}
    want = {k: v for k, v in tree(reference).items() if k.split("/")[0] in ids}
    assert tree(tmp_path / "dask", skip=("summary.csv", "summary.json")) == want


# --- safety: a batch never destroys its corpus, and cleans up after itself ---------------------


def _aligner(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aligner.cli", *map(str, args)], capture_output=True, text=True, check=False
    )


def _small_corpus(root: Path) -> Path:
    gold = web_paragraphs()
    for doc in ("a", "b"):
        (root / doc).mkdir(parents=True)
        (root / doc / "web.txt").write_bytes(web_file(gold[:12]))
        (root / doc / "edit.txt").write_bytes(web_file(gold[:5] + gold[6:12]))
    return root


def test_out_may_not_be_hold_or_lie_inside_the_corpus(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    before = tree(corpus)
    for out in (corpus, corpus / "results", tmp_path):
        proc = _aligner("batch", corpus, "--out", out)
        assert proc.returncode == 2 and "corpus folder" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert tree(corpus) == before


def test_document_ids_that_are_batch_files_are_refused(tmp_path: Path) -> None:
    data = {
        "documents": [
            {"id": "summary.csv", "witnesses": [{"siglum": "a", "path": "a.txt"}, {"siglum": "b", "path": "b.txt"}]}
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match="name of a batch file"):
        run_batch(load_manifest(tmp_path / "manifest.json"), tmp_path.parent / f"{tmp_path.name}-out")


def test_witness_paths_stay_inside_the_manifest_folder_unless_allowed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_bytes(web_file(web_paragraphs()[:5]))
    (corpus / "web.txt").write_bytes(web_file(web_paragraphs()[:5]))
    data = {
        "documents": [
            {"id": "d", "witnesses": [{"siglum": "web", "path": "web.txt"}, {"siglum": "x", "path": "../secret.txt"}]}
        ]
    }
    (corpus / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    proc = _aligner("batch", corpus / "manifest.json", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "leads outside the manifest's folder" in proc.stderr
    assert not (tmp_path / "out" / "d").exists()
    assert _aligner("batch", corpus / "manifest.json", "--out", tmp_path / "out", "--no-confine").returncode == 0


def test_a_kind_that_is_not_an_xml_name_is_refused_with_its_json_path(tmp_path: Path) -> None:
    data = {
        "documents": [
            {
                "id": "d",
                "witnesses": [
                    {"siglum": "a", "path": "a.txt", "kind": "web edition"},
                    {"siglum": "b", "path": "b.txt"},
                ],
            }
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"\$\.documents\[0\]\.witnesses\[0\]\.kind"):
        load_manifest(tmp_path / "manifest.json")


def test_endless_and_deeply_nested_manifests_are_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    for source, words in ((deep, "nested too deeply"), (Path("/dev/zero"), "device")):
        proc = _aligner("batch", source, "--out", tmp_path / "out")
        assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_a_device_as_a_manifest_witness_is_an_error_row(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "web.txt").write_bytes(web_file(web_paragraphs()[:5]))
    (tmp_path / "c" / "zero.txt").symlink_to("/dev/zero")
    out = tmp_path.parent / f"{tmp_path.name}-out"
    with pytest.raises(InputError, match="leads outside"):  # a link out of the corpus is refused by default
        run_batch(from_folder(tmp_path), out, progress=False)
    summary = run_batch(from_folder(tmp_path), out, BatchOptions(confine=False), progress=False)
    (row,) = summary.results
    assert row.status == "error" and "device" in row.error


def test_a_damaged_result_is_redone_and_stale_results_are_reported_or_pruned(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    run_batch(from_folder(corpus), out, BatchOptions(workers=1), progress=False)
    want = tree(out)
    (out / "a" / "alignment.json").write_bytes(b"")
    again = run_batch(from_folder(corpus), out, BatchOptions(workers=1), progress=False)
    assert [r.cached for r in again.results] == [False, True]  # the emptied result is redone
    assert tree(out) == want
    subprocess.run(["rm", "-r", str(corpus / "b")], check=True)
    proc = _aligner("batch", corpus, "--out", out)
    assert proc.returncode == 0 and "b: results of a document no longer in the corpus" in proc.stderr
    assert (out / "b").is_dir()
    proc = _aligner("batch", corpus, "--out", out, "--prune")
    assert proc.returncode == 0 and not (out / "b").exists()


def test_one_batch_at_a_time_writes_into_a_folder(tmp_path: Path) -> None:
    manifest, _ = batch_corpus(tmp_path / "corpus", count=60)
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aligner.cli",
                "batch",
                str(manifest),
                "--out",
                str(out),
                "--force",
                "--workers",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in runs]
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        assert code in (0, 2)
        if code == 2 and "another aligner batch" not in stderr:
            assert "aligner: broken-" in stderr  # the corpus's own bad documents, reported by a run that wrote
    assert any("another aligner batch" in stderr for _, stderr in outcomes) or all(c == 0 for c, _ in outcomes)
    assert not (out / ".aligner-batch.lock").exists()
    assert (out / "summary.csv").is_file()


def test_workers_die_with_the_batch_process(tmp_path: Path) -> None:
    manifest, _ = batch_corpus(tmp_path / "corpus", count=400)
    process = subprocess.Popen(
        [sys.executable, "-m", "aligner.cli", "batch", str(manifest), "--out", str(tmp_path / "out"), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children) < 2:
        children = _children(process.pid)
        time.sleep(0.05)
    assert len(children) >= 2, "the pool did not start"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children)


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def test_workers_are_capped_at_the_cores(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    proc = _aligner("batch", corpus, "--out", tmp_path / "out", "--workers", "1000")
    assert proc.returncode == 0
    assert "--workers 1000 is more than the" in proc.stderr


def test_a_scheduler_address_is_checked_and_a_silent_one_times_out(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    for address in ("notaurl", "tcp://host:99999", "tcp://host:8786\n"):
        proc = _aligner("batch", corpus, "--out", tmp_path / "out", "--scheduler", address)
        assert proc.returncode == 2 and "is not an address" in proc.stderr and "Traceback" not in proc.stderr
    pytest.importorskip("distributed")
    import http.server
    import threading

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        proc = _aligner(
            "batch", corpus, "--out", tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{server.server_port}"
        )
        assert proc.returncode == 2 and "cannot reach the Dask scheduler" in proc.stderr, proc.stderr
        assert time.monotonic() - started < 120  # a guard against hanging, not a speed claim
    finally:
        server.shutdown()
