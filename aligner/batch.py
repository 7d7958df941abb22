"""Whole corpora through the pipeline: one folder of results per document, resumable, parallel.

::

    from aligner.batch import run_batch
    from aligner.manifest import load

    summary = run_batch(load("corpora/nhrap-2021-2025"), Path("out"), workers=4)
    print(summary.counts)   # {'documents': 1, 'ok': 1, 'error': 0, 'cached': 0}

For each document :func:`process_document` reads, normalizes and aligns the witnesses
and renders the exports *in a worker*; only the calling process writes to ``out_dir``.
That one function runs in-process (``workers=1``), in a process pool (the default), or
as Dask tasks (``scheduler=ADDRESS``), so the three give the same bytes. Workers need
to see the input files at the paths the manifest resolves to (a shared file system on a
cluster); they never need to see ``out_dir``.

What ``out_dir`` holds::

    DOC_ID/alignment.json       aligner.export.json
    DOC_ID/alignment.tei.xml    aligner.export.tei
    DOC_ID/alignment.html       aligner.export.html, with html=True
    DOC_ID/.stamp.json          input SHA-256s and options: the next run skips the document
    summary.csv, summary.json   one row per document, manifest order, with its counts,
                                error and seconds; apart from the seconds (and whether a
                                document was skipped as unchanged) byte-identical for the
                                same inputs whatever the worker count

A document is written into a temporary folder that is renamed into place, so a crash or
Ctrl-C leaves either the old folder, the new one, or none; never half of one. A document
that fails (any :class:`~aligner.errors.AlignerError`) becomes an error row, its stale
folder is removed, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aligner.errors import AlignerError, InputError, UsageError
from aligner.io import write_atomic
from aligner.manifest import Document, Manifest, WitnessEntry
from aligner.model import Alignment, VariantType, Witness

__all__ = ["BatchSummary", "DocumentResult", "Job", "process_document", "run_batch", "run_cli"]

log = logging.getLogger(__name__)

STAMP = ".stamp.json"
STAMP_FORMAT = 1
# Output file -> exporter module with ``render(alignment) -> str | bytes``.
EXPORTS = {
    "alignment.json": "aligner.export.json",
    "alignment.tei.xml": "aligner.export.tei",
}
HTML_EXPORT = ("alignment.html", "aligner.export.html")
COUNTS = ("units", "equal", "variant", "gap", "substantive")
SUMMARY_FIELDS = ("id", "status", *COUNTS, "seconds", "skipped", "error")
LEFTOVER_PREFIXES = (".tmp-", ".old-")


@dataclass(frozen=True, slots=True)
class Job:
    """What a worker needs for one document: picklable, paths already resolved."""

    document: Document
    html: bool = False


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """The outcome for one document; ``files`` is emptied once written."""

    id: str
    status: str  # "ok" or "error"
    counts: Mapping[str, int] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0
    inputs: Mapping[str, str] = field(default_factory=dict)  # siglum -> sha256
    files: Mapping[str, bytes] = field(default_factory=dict)
    cached: bool = False
    detail: str = ""  # a traceback, for errors that are bugs rather than bad input

    def row(self) -> dict[str, Any]:
        """The summary row: counts, time spent in this run (0 when skipped), error."""
        return {**self.stable_row(), "seconds": round(self.seconds, 3), "skipped": self.cached}

    def stable_row(self) -> dict[str, Any]:
        """The row without timing: the same on every run, so the stamp can keep it."""
        counts: dict[str, int | None] = {name: self.counts.get(name) for name in COUNTS}
        return {"id": self.id, "status": self.status, **counts, "error": self.error}


@dataclass(frozen=True)
class BatchSummary:
    """All rows of a run, in manifest order."""

    out_dir: Path
    results: tuple[DocumentResult, ...]
    seconds: float

    @property
    def errors(self) -> tuple[DocumentResult, ...]:
        return tuple(r for r in self.results if r.status == "error")

    @property
    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.results),
            "ok": sum(r.status == "ok" for r in self.results),
            "error": len(self.errors),
            "cached": sum(r.cached for r in self.results),
        }

    def line(self) -> str:
        """One line for a human: what happened and where the summary is."""
        c = self.counts
        rate = (c["documents"] - c["cached"]) / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{c['documents']} documents: {c['ok']} ok ({c['cached']} unchanged, skipped), {c['error']} errors "
            f"in {self.seconds:.2f} s ({rate:.1f} documents/s); summary in {self.out_dir / 'summary.csv'}"
        )


# --- the per-document function: the same code in-process, in a pool, or on Dask ---------------


def process_document(job: Job) -> DocumentResult:
    """Read, normalize, align and render one document; never raises for a bad document."""
    started = time.perf_counter()
    doc_id = job.document.id
    try:
        files, counts, inputs = _align_document(job)
    except AlignerError as err:
        return DocumentResult(doc_id, "error", error=str(err), seconds=time.perf_counter() - started)
    except Exception as err:  # a bug must not sink a batch of thousands; keep its traceback
        message = f"internal error: {type(err).__name__}: {' '.join(str(err).split())}"
        return DocumentResult(
            doc_id, "error", error=message, seconds=time.perf_counter() - started, detail=traceback.format_exc()
        )
    return DocumentResult(
        doc_id, "ok", counts=counts, inputs=inputs, files=files, seconds=time.perf_counter() - started
    )


def _align_document(job: Job) -> tuple[dict[str, bytes], dict[str, int], dict[str, str]]:
    from aligner.align import align
    from aligner.normalize import normalize_witness

    document = job.document
    if len(document.witnesses) < 2:
        found = len(document.witnesses)
        raise InputError(document.id, f"has {found} witness file{'s' * (found != 1)}; alignment needs at least two")
    witnesses = [_read(entry) for entry in document.witnesses]
    alignment = align([normalize_witness(w) for w in witnesses], base=document.base, title=document.title)
    files = {name: _render(module, alignment) for name, module in _exports(job.html).items()}
    return files, _counts(alignment), {w.siglum: w.sha256 for w in witnesses}


def _read(entry: WitnessEntry) -> Witness:
    """Read a witness; messages and outputs name it by its manifest path, not this machine's."""
    from aligner.witness import read_witness

    try:
        witness = read_witness(entry.file, entry.siglum, kind=entry.kind)
    except InputError as err:
        raise type(err)(entry.path, err.problem, err.hint) from None
    if entry.sha256 and witness.sha256 != entry.sha256:
        raise InputError(
            entry.path,
            f"SHA-256 is {witness.sha256[:12]}…, the manifest says {entry.sha256[:12]}…",
            "the file changed; update the manifest",
        )
    return replace(witness, path=entry.path)


def _exports(html: bool) -> dict[str, str]:
    return {**EXPORTS, HTML_EXPORT[0]: HTML_EXPORT[1]} if html else dict(EXPORTS)


def _render(module_name: str, alignment: Alignment) -> bytes:
    import importlib

    data = importlib.import_module(module_name).render(alignment)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _counts(alignment: Alignment) -> dict[str, int]:
    counts = dict(alignment.summary())
    counts["substantive"] = sum(v.type is VariantType.SUBSTANTIVE for unit in alignment.units for v in unit.variants)
    return counts


# --- the batch ----------------------------------------------------------------------------------


def run_batch(
    manifest: Manifest,
    out_dir: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    html: bool = False,
    progress: bool = True,
) -> BatchSummary:
    """Take every document of ``manifest`` through the pipeline into ``out_dir/DOC_ID/``.

    ``workers`` processes on this machine (default: one per core; 1 runs in-process), or
    the Dask cluster at ``scheduler`` (``tcp://host:8786``; needs ``aligner[dask]``).
    Unchanged documents are skipped unless ``force``. The progress bar appears only on a
    terminal. Raises :class:`UsageError` for contradictory options; a bad document is a row.
    """
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    if workers is not None and scheduler:
        raise UsageError("--workers and --scheduler exclude each other: the Dask cluster has its own workers")
    _check_ids(manifest)
    out = Path(out_dir)
    _prepare(out)
    started = time.perf_counter()
    results: dict[str, DocumentResult] = {}
    jobs = []
    for document in manifest.documents:
        cached = None if force else _cached(out, document, html)
        if cached is None:
            jobs.append(Job(document, html))
        else:
            results[document.id] = cached
    with _progress_bar(len(manifest.documents), progress) as advance:
        for result in results.values():
            advance(result)
        with contextlib.closing(_execute(jobs, workers, scheduler)) as outcomes:
            for result in outcomes:
                results[result.id] = _store(out, result, _find(manifest, result.id), html)
                advance(result)
    ordered = tuple(results[d.id] for d in manifest.documents)
    _write_summaries(out, ordered)
    return BatchSummary(out_dir=out, results=ordered, seconds=time.perf_counter() - started)


def _check_ids(manifest: Manifest) -> None:
    seen: set[str] = set()
    for document in manifest.documents:
        if document.id.casefold() in seen:
            raise UsageError(f"{manifest.source}: document id {document.id!r} is used twice")
        seen.add(document.id.casefold())


def _find(manifest: Manifest, doc_id: str) -> Document:
    return next(d for d in manifest.documents if d.id == doc_id)


def _prepare(out: Path) -> None:
    """Create ``out`` and clear what an interrupted run left: temporary and replaced folders."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a folder", "give --out a folder")
    out.mkdir(parents=True, exist_ok=True)
    for leftover in out.iterdir():
        if leftover.is_dir() and leftover.name.startswith(LEFTOVER_PREFIXES):
            shutil.rmtree(leftover, ignore_errors=True)


# --- resuming: a stamp per document -------------------------------------------------------------


def _options(html: bool) -> dict[str, Any]:
    from aligner import __version__

    return {"aligner": __version__, "html": html}


def _fingerprint(document: Document) -> dict[str, Any]:
    """What in the manifest shapes the outputs (descriptions do not)."""
    return {
        "id": document.id,
        "title": document.title,
        "language": document.language,
        "base": document.base,
        "witnesses": [[w.siglum, w.path, w.kind, w.sha256] for w in document.witnesses],
    }


def _stamp(document: Document, result: DocumentResult, html: bool) -> bytes:
    stamp = {
        "format": STAMP_FORMAT,
        "options": _options(html),
        "document": _fingerprint(document),
        "inputs": dict(result.inputs),
        "summary": result.stable_row(),
    }
    return (json.dumps(stamp, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _cached(out: Path, document: Document, html: bool) -> DocumentResult | None:
    """The stored result if the outputs are there and inputs and options have not changed."""
    folder = out / document.id
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    expected = {"format": STAMP_FORMAT, "options": _options(html), "document": _fingerprint(document)}
    if any(stamp.get(key) != value for key, value in expected.items()):
        return None
    if not all((folder / name).is_file() for name in _exports(html)):
        return None
    if stamp.get("inputs") != _hashes(document):
        return None
    row = stamp["summary"]
    counts = {name: row[name] for name in COUNTS}
    return DocumentResult(document.id, "ok", counts=counts, inputs=stamp["inputs"], cached=True)


def _hashes(document: Document) -> dict[str, str] | None:
    hashes = {}
    for entry in document.witnesses:
        try:
            hashes[entry.siglum] = hashlib.sha256(entry.file.read_bytes()).hexdigest()
        except OSError:
            return None
    return hashes


# --- writing: only the calling process touches out_dir ------------------------------------------


def _store(out: Path, result: DocumentResult, document: Document, html: bool) -> DocumentResult:
    """Put a document's folder in place (or remove a stale one); return the result without bytes."""
    if result.detail:
        log.error("%s: %s\n%s", result.id, result.error, result.detail)
    if result.status == "ok":
        _commit(out, result.id, {**result.files, STAMP: _stamp(document, result, html)})
    else:
        _remove(out / result.id, out)
    return replace(result, files={}, detail="")


def _commit(out: Path, doc_id: str, files: Mapping[str, bytes]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f"{LEFTOVER_PREFIXES[0]}{doc_id}-", dir=out))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the result is an ordinary folder
        for name, data in sorted(files.items()):
            (tmp / name).write_bytes(data)
        _remove(out / doc_id, out)
        os.rename(tmp, out / doc_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove(folder: Path, out: Path) -> None:
    """Rename first, delete after: an interrupted delete leaves a leftover, not a half folder."""
    if not folder.exists():
        return
    old = out / f"{LEFTOVER_PREFIXES[1]}{folder.name}-{uuid.uuid4().hex[:8]}"
    os.rename(folder, old)
    shutil.rmtree(old, ignore_errors=True)


def _write_summaries(out: Path, results: Sequence[DocumentResult]) -> None:
    rows = [r.row() for r in results]
    write_atomic(out / "summary.csv", _csv(SUMMARY_FIELDS, rows))
    totals = {name: sum(row[name] or 0 for row in rows) for name in COUNTS}
    statuses = {"documents": len(rows), "ok": sum(r.status == "ok" for r in results)}
    statuses["error"] = statuses["documents"] - statuses["ok"]
    document = {"documents": rows, "totals": {**statuses, **totals}}
    write_atomic(out / "summary.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.3f}" if isinstance(value, float) else value


def _csv(fields: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


# --- executors ----------------------------------------------------------------------------------


def _execute(jobs: Sequence[Job], workers: int | None, scheduler: str | None) -> Generator[DocumentResult]:
    if not jobs:
        return
    count = min(workers or os.cpu_count() or 1, len(jobs))
    if scheduler:
        yield from _on_dask(jobs, scheduler)
    elif count == 1:
        yield from map(process_document, jobs)
    else:
        yield from _on_processes(jobs, count)


def _ignore_sigint() -> None:
    # Ctrl-C is the parent's to handle: it stops handing out work and writes nothing half.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _on_processes(jobs: Sequence[Job], workers: int) -> Iterator[DocumentResult]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)
    try:
        futures = [pool.submit(process_document, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _on_dask(jobs: Sequence[Job], address: str) -> Iterator[DocumentResult]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'aligner[dask]'") from None
    try:
        client = Client(address)
    except (OSError, TimeoutError) as err:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    token = uuid.uuid4().hex[:8]
    keys = {f"aligner-{token}-{job.document.id}": job for job in jobs}
    futures = client.map(process_document, list(keys.values()), key=list(keys), pure=False)
    try:
        for future in as_completed(futures):
            yield _dask_result(future, keys[future.key])
    finally:
        client.cancel(futures)
        client.close()


def _dask_result(future: Any, job: Job) -> DocumentResult:
    try:
        result: DocumentResult = future.result()
    except Exception as err:  # the worker died (e.g. out of memory): one error row, not a dead batch
        return DocumentResult(job.document.id, "error", error=f"worker failed: {type(err).__name__}: {err}")
    return result


# --- progress -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[DocumentResult], None]]:
    """Documents done, errors and throughput on stderr; nothing when stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda _result: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("[bold]aligning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} errors, {task.fields[rate]} docs/s"),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    errors = 0
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("batch", total=total, errors=0, rate="-")

        def advance(result: DocumentResult) -> None:
            nonlocal errors
            errors += result.status == "error"
            done = bar.tasks[0].completed + 1
            rate = f"{done / max(time.perf_counter() - started, 1e-9):.1f}"
            bar.update(task, advance=1, errors=errors, rate=rate)

        yield advance


# --- the command ----------------------------------------------------------------------------------


def run_cli(
    source: str | Path,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    html: bool = False,
    quiet: bool = False,
) -> int:
    """``aligner batch``: load a manifest or folder, run, report; return the exit code.

    One line per failed document on stderr (``aligner: DOC_ID: message``), then the
    summary line on stdout. Exit 0 when every document is ok, 2 when any failed (bad input).
    """
    from aligner.manifest import load

    summary = run_batch(
        load(source), Path(out_dir), workers=workers, scheduler=scheduler, force=force, html=html, progress=not quiet
    )
    for result in summary.errors:
        print(f"aligner: {result.id}: {result.error}", file=sys.stderr)
    if not quiet:
        print(summary.line())
    return 2 if summary.errors else 0
