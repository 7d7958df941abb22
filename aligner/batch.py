"""Whole corpora through the pipeline: one folder of results per document, resumable, parallel.

::

    from aligner.batch import BatchOptions, run_batch
    from aligner.manifest import load

    summary = run_batch(load("corpora/nhrap-2021-2025"), Path("out"), BatchOptions(workers=4))
    print(summary.counts)   # {'documents': 1, 'ok': 1, 'error': 0, 'cached': 0}

For each document :func:`process_document` runs the one pipeline
(:func:`aligner.pipeline.align_sources`, with the profile the manifest's language asks
for) and renders the exports *in a worker*, which writes them to a temporary folder in
``out_dir``; only the calling process renames folders into place. That one function runs
in-process (``workers=1``), in a process pool (the default), or as Dask tasks
(``scheduler=ADDRESS``), so the three give the same bytes. Workers need to see the input
files at the paths the manifest resolves to (a shared file system on a cluster); Dask
workers never need to see ``out_dir``: they send the bytes back.

What ``out_dir`` holds::

    DOC_ID/alignment.json       the exporters of aligner.export, by name: the same bytes
    DOC_ID/alignment.csv        as ``aligner align`` writes for the same files and options
    DOC_ID/alignment.tei.xml
    DOC_ID/alignment.html       with html=True
    DOC_ID/.stamp.json          input and output SHA-256s and options: the next run skips the document
    .aligner-batch.lock         held while a batch writes here: one batch at a time
    summary.csv, summary.json   one row per document, manifest order, with its counts,
                                error and seconds; apart from the seconds (and whether a
                                document was skipped as unchanged) byte-identical for the
                                same inputs whatever the worker count

A document is written into a temporary folder that is renamed into place, so a crash or
Ctrl-C leaves either the old folder, the new one, or none; never half of one. A document
that fails (any :class:`~aligner.errors.AlignerError`) becomes an error row, its stale
folder is removed, and the batch goes on.

Safety: ``out_dir`` may not be, contain or lie inside the corpus folder; document ids may
not be the summary files' names; manifest witness paths must stay inside the manifest's
folder unless ``confine=False``; pool workers die with the batch process.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aligner.errors import AlignerError, InputError, OutputError, UsageError, os_problem
from aligner.export import EXPORTERS
from aligner.files import plan_outputs, write_outputs
from aligner.manifest import Document, Manifest
from aligner.model import Alignment
from aligner.pipeline import Options, Source, align_sources

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "DocumentResult",
    "Job",
    "process_document",
    "run_batch",
    "run_cli",
    "worker_pool",
]

log = logging.getLogger(__name__)

STAMP = ".stamp.json"
STAMP_FORMAT = 2
LOCK = ".aligner-batch.lock"
EXPORTS = ("json", "csv", "tei")  # and html with html=True; file names from the registry
COUNTS = ("units", "equal", "variant", "gap", "substantive")
SUMMARY_FIELDS = ("id", "status", *COUNTS, "seconds", "skipped", "error", "ignored")
SUMMARY_FILES = ("summary.csv", "summary.json")
LEFTOVER_PREFIXES = (".tmp-", ".old-")
CHUNK = 8  # the most documents one pool task takes
SCHEDULER_SECONDS = 10  # how long to wait for a Dask scheduler to answer
SCHEDULER_ADDRESS = re.compile(r"^(?:tcp|tls|ucx|ws|wss)://[A-Za-z0-9._\-\[\]:]+:(\d{1,5})\Z")


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How a batch runs: where (``workers`` here, or a Dask ``scheduler``), what it redoes and writes.

    ``confine`` refuses manifest witness paths outside the manifest's folder; ``prune``
    removes the results of documents that are no longer in the corpus. ``treatment`` sets
    :class:`Document` fields for every document, as `aligner batch`'s ``--profile``,
    ``--no-reflow``, ``--no-spacing`` and ``--no-orthographic`` do
    (``(("reflow", False),)``): they win over what the manifest says.
    """

    workers: int | None = None
    scheduler: str | None = None
    force: bool = False
    html: bool = False
    prune: bool = False
    confine: bool = True
    treatment: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Job:
    """What a worker needs for one document: picklable, paths already resolved."""

    document: Document
    html: bool = False
    # Where a worker that sees ``out_dir`` writes the document's folder, under a temporary
    # name for the batch process to rename into place; "" sends the bytes back instead
    # (Dask workers, which may not see ``out_dir``).
    stage: str = ""


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
    staged: str = ""  # the temporary folder a worker wrote the files to, stamp included

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
    stale: tuple[str, ...] = ()  # result folders of documents no longer in the corpus
    pruned: tuple[str, ...] = ()  # the same, removed with prune=True

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
            f"{c['documents']} document{'s' * (c['documents'] != 1)}: {c['ok']} ok ({c['cached']} unchanged, "
            f"skipped), {c['error']} error{'s' * (c['error'] != 1)} "
            f"in {self.seconds:.2f} s ({rate:.1f} documents/s); summary in {self.out_dir / 'summary.csv'}"
            + (f"; {len(self.pruned)} stale result folders removed" if self.pruned else "")
        )


# --- the per-document function: the same code in-process, in a pool, or on Dask ---------------


def process_document(job: Job) -> DocumentResult:
    """Read, normalize, align and render one document; never raises for a bad document.

    With ``job.stage`` the files are written there, in a temporary folder, and the result
    names it: workers write in parallel and only renames are left to the batch process.
    An ``OSError`` while writing (a full disk) is raised: it would stop every document.
    """
    result = _processed(job)
    if not job.stage or result.status != "ok":
        return result
    staged = _stage(Path(job.stage), result.id, {**result.files, STAMP: _stamp(job.document, result, job.html)})
    return replace(result, files={}, staged=str(staged))


def _processed(job: Job) -> DocumentResult:
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


def document_options(document: Document) -> Options:
    """The pipeline options a manifest entry asks for: base, title, profile (its own, else its
    language's), reflow, spacing and orthographic typing, as `aligner align` takes them from flags."""
    from aligner.normalize import NormalizeConfig
    from aligner.rules import profile_for_language

    profile = document.profile or (profile_for_language(document.language) if document.language else None)
    config = NormalizeConfig(profile=profile, reflow=document.reflow, spacing=document.spacing)
    return Options(normalize=config, base=document.base, title=document.title, orthographic=document.orthographic)


def document_sources(document: Document) -> list[Source]:
    """The witnesses of a manifest entry, named in outputs by their manifest paths."""
    return [
        Source(w.file, w.siglum, kind=w.kind, label=w.path, sha256=w.sha256, format=w.format, encoding=w.encoding)
        for w in document.witnesses
    ]


def _align_document(job: Job) -> tuple[dict[str, bytes], dict[str, int], dict[str, str]]:
    document = job.document
    if len(document.witnesses) < 2:
        found = len(document.witnesses)
        raise InputError(document.id, f"has {found} witness file{'s' * (found != 1)}; alignment needs at least two")
    alignment = align_sources(document_sources(document), document_options(document))
    files = {EXPORTERS[name].filename: EXPORTERS[name].render(alignment) for name in _exports(job.html)}
    return files, _counts(alignment), {w.siglum: w.witness.sha256 for w in alignment.witnesses}


def _exports(html: bool) -> tuple[str, ...]:
    return (*EXPORTS, "html") if html else EXPORTS


def _filenames(html: bool) -> list[str]:
    return [EXPORTERS[name].filename for name in _exports(html)]


def _counts(alignment: Alignment) -> dict[str, int]:
    counts = alignment.counts()
    return {
        **{name: counts[name] for name in COUNTS if name in counts},
        "substantive": counts["variants"]["substantive"],
    }


# --- the batch ----------------------------------------------------------------------------------


def run_batch(
    manifest: Manifest,
    out_dir: Path,
    options: BatchOptions | None = None,
    *,
    progress: bool = True,
    warn: Callable[[str], None] | None = None,
    pool: Executor | None = None,
) -> BatchSummary:
    """Take every document of ``manifest`` through the pipeline into ``out_dir/DOC_ID/``.

    ``options.workers`` processes on this machine (default: one per core, capped at the
    cores; 1 runs in-process), or the Dask cluster at ``options.scheduler``
    (``tcp://host:8786``; needs ``aligner[dask]``). Unchanged documents are skipped unless
    ``force``. The progress bar appears only on a terminal. Raises :class:`UsageError` for
    contradictory or unsafe options; a bad document is a row. ``pool``, a process pool
    such as :func:`worker_pool` makes, runs the documents instead of a pool made here.
    """
    options = options or BatchOptions()
    if options.treatment:
        documents = tuple(replace(d, **dict(options.treatment)) for d in manifest.documents)
        manifest = replace(manifest, documents=documents)
    say = warn or (lambda line: print(line, file=sys.stderr))
    workers = _check_options(options, say)
    _check_ids(manifest)
    out = Path(out_dir)
    _check_out(out, manifest)
    if options.confine:
        _check_confined(manifest)
    _prepare(out)
    with _locked(out):
        _clear_leftovers(out)
        started = time.perf_counter()
        stale = _stale(out, manifest)
        if options.prune:
            for doc_id in stale:
                _remove(out / doc_id, out)
        try:
            results = _run(manifest, out, options, workers, progress, pool)
        except BaseException:  # interrupted: folders staged but never placed go now
            with contextlib.suppress(OSError):
                _clear_leftovers(out)
            raise
        ordered = tuple(results[d.id] for d in manifest.documents)
        _write_summaries(out, ordered, {d.id: d.ignored for d in manifest.documents})
    return BatchSummary(
        out_dir=out,
        results=ordered,
        seconds=time.perf_counter() - started,
        stale=() if options.prune else tuple(stale),
        pruned=tuple(stale) if options.prune else (),
    )


def _run(
    manifest: Manifest, out: Path, options: BatchOptions, workers: int | None, progress: bool, pool: Executor | None
) -> dict[str, DocumentResult]:
    results: dict[str, DocumentResult] = {}
    jobs = []
    for document in manifest.documents:
        cached = None if options.force else _cached(out, document, options.html)
        if cached is None:
            jobs.append(Job(document, options.html, stage="" if options.scheduler else str(out)))
        else:
            results[document.id] = cached
    with _progress_bar(len(manifest.documents), progress) as advance:
        for result in results.values():
            advance(result)
        by_id = {d.id: d for d in manifest.documents}
        with contextlib.closing(_execute(jobs, workers, options.scheduler, pool)) as outcomes:
            try:
                for result in outcomes:
                    results[result.id] = _store(out, result, by_id[result.id], options.html)
                    advance(result)
            except OSError as err:  # a worker could not write its folder: the disk is full or gone
                raise OutputError(out, *os_problem(err, "be written")) from None
    return results


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _check_options(options: BatchOptions, warn: Callable[[str], None]) -> int | None:
    if options.workers is not None and options.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {options.workers}")
    if options.workers is not None and options.scheduler:
        raise UsageError("--workers and --scheduler exclude each other: the Dask cluster has its own workers")
    if options.scheduler is not None:
        address = SCHEDULER_ADDRESS.match(options.scheduler)
        if address is None or not 0 < int(address.group(1)) < 65536:
            raise UsageError(f"--scheduler {options.scheduler!r} is not an address like tcp://host:8786")
    cores = _cores()
    if options.workers is not None and options.workers > cores:
        warn(f"aligner: --workers {options.workers} is more than the {cores} cores here; using {cores}")
        return cores
    return options.workers


def _check_ids(manifest: Manifest) -> None:
    seen: set[str] = set()
    reserved = {name.casefold() for name in (*SUMMARY_FILES, LOCK, STAMP)}
    for document in manifest.documents:
        folded = document.id.casefold()
        if folded in reserved:
            raise UsageError(f"{manifest.source}: document id {document.id!r} is the name of a batch file; rename it")
        if folded in seen:
            raise UsageError(f"{manifest.source}: document id {document.id!r} is used twice")
        seen.add(folded)


def _corpus_folder(manifest: Manifest) -> Path:
    source = manifest.source.resolve()
    return source if source.is_dir() else source.parent


def _check_out(out: Path, manifest: Manifest) -> None:
    """``out`` may not be the corpus folder, lie inside it, or hold it: a batch replaces what is there."""
    corpus = _corpus_folder(manifest)
    target = Path(os.path.realpath(out))
    if target == corpus or corpus in target.parents or target in corpus.parents:
        raise UsageError(
            f"--out {out} is, holds or lies inside the corpus folder {manifest.source}; "
            "results go to a folder of their own"
        )
    for document in manifest.documents:
        for entry in document.witnesses:
            if target == entry.file or target in entry.file.parents:
                raise UsageError(f"--out {out} holds the witness {entry.path} of {document.id}; choose another folder")


def _check_confined(manifest: Manifest) -> None:
    """Manifest witness paths must stay inside the manifest's folder (``--no-confine`` allows others)."""
    corpus = _corpus_folder(manifest)
    for document in manifest.documents:
        for entry in document.witnesses:
            if corpus not in entry.file.parents:
                raise InputError(
                    manifest.source,
                    f"{document.id}: witness path {entry.path!r} leads outside the manifest's folder",
                    "move the file into the corpus, or pass --no-confine",
                )


def _prepare(out: Path) -> None:
    """Create ``out`` (a folder)."""
    if out.exists() and not out.is_dir():
        raise OutputError(out, "exists and is not a folder", "give --out a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(out, *os_problem(err, "be created")) from None


def _clear_leftovers(out: Path) -> None:
    """Clear what an interrupted run left: temporary and replaced folders."""
    for leftover in out.iterdir():
        if leftover.is_dir() and leftover.name.startswith(LEFTOVER_PREFIXES):
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for the run: a second batch into it refuses at once.

    The lock file goes when the run ends. A run that opened it just before it went holds
    a lock on a file no longer at that path, so the path is checked again after locking.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks to take
        yield
        return
    path = out / LOCK
    busy = UsageError(f"another aligner batch is writing to {out}; wait for it or choose another --out")
    try:
        handle = open(path, "a+b")  # noqa: SIM115  # held for the whole run
    except OSError as err:
        raise OutputError(out, *os_problem(err, "be written")) from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        if _identity(path) != _identity(handle.fileno()):
            raise busy
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def _identity(file: Path | int) -> tuple[int, int] | None:
    try:
        info = os.fstat(file) if isinstance(file, int) else os.stat(file)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _stale(out: Path, manifest: Manifest) -> list[str]:
    """Result folders of documents that are no longer in the corpus."""
    ids = {d.id for d in manifest.documents}
    return sorted(
        p.name
        for p in out.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name not in ids and (p / STAMP).is_file()
    )


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
        "treatment": [document.profile, document.reflow, document.spacing, document.orthographic],
        "witnesses": [[w.siglum, w.path, w.kind, w.format, w.encoding, w.sha256] for w in document.witnesses],
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stamp(document: Document, result: DocumentResult, html: bool) -> bytes:
    stamp = {
        "format": STAMP_FORMAT,
        "options": _options(html),
        "document": _fingerprint(document),
        "inputs": dict(result.inputs),
        "outputs": {name: _sha256(data) for name, data in sorted(result.files.items())},
        "summary": result.stable_row(),
    }
    return (json.dumps(stamp, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _cached(out: Path, document: Document, html: bool) -> DocumentResult | None:
    """The stored result if inputs, options and every output file are as the stamp recorded."""
    folder = out / document.id
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    expected = {"format": STAMP_FORMAT, "options": _options(html), "document": _fingerprint(document)}
    if not isinstance(stamp, dict) or any(stamp.get(key) != value for key, value in expected.items()):
        return None
    if stamp.get("outputs") != _file_hashes(folder, _filenames(html)):
        return None
    if stamp.get("inputs") != _input_hashes(document):
        return None
    row = stamp["summary"]
    counts = {name: row[name] for name in COUNTS}
    return DocumentResult(document.id, "ok", counts=counts, inputs=stamp["inputs"], cached=True)


def _file_hashes(folder: Path, names: Sequence[str]) -> dict[str, str] | None:
    hashes = {}
    for name in sorted(names):
        try:
            hashes[name] = _sha256((folder / name).read_bytes())
        except OSError:
            return None
    return hashes


def _input_hashes(document: Document) -> dict[str, str] | None:
    hashes = {}
    for entry in document.witnesses:
        try:
            hashes[entry.siglum] = _sha256(entry.file.read_bytes())
        except OSError:
            return None
    return hashes


# --- writing: workers stage folders, only the calling process puts them in place ----------------


def _store(out: Path, result: DocumentResult, document: Document, html: bool) -> DocumentResult:
    """Put a document's folder in place (or remove a stale one); return the result without bytes."""
    if result.detail:
        log.error("%s: %s\n%s", result.id, result.error, result.detail)
    try:
        with _interrupts_deferred():
            if result.staged:
                _place(out, result.id, Path(result.staged))
            elif result.status == "ok":
                _place(out, result.id, _stage(out, result.id, {**result.files, STAMP: _stamp(document, result, html)}))
            else:
                _remove(out / result.id, out)
    except OSError as err:
        raise OutputError(out / result.id, *os_problem(err, "be written")) from None
    return replace(result, files={}, detail="")


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Let Ctrl-C and SIGTERM wait until a folder is in place: a signal then never splits a rename from its cleanup."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    signums = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda n, _f: caught.append(n)) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            raise KeyboardInterrupt(signal.Signals(caught[0]).name)


def _stage(out: Path, doc_id: str, files: Mapping[str, bytes]) -> Path:
    """The files in a new temporary folder in ``out`` (a leftover that the next run clears, if never placed)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{LEFTOVER_PREFIXES[0]}{doc_id}-", dir=out))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the result is an ordinary folder
        for name, data in sorted(files.items()):
            (tmp / name).write_bytes(data)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _place(out: Path, doc_id: str, staged: Path) -> None:
    """A staged folder renamed to ``out/DOC_ID``, after the old one is out of the way."""
    try:
        _remove(out / doc_id, out)
        os.rename(staged, out / doc_id)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def _remove(folder: Path, out: Path) -> None:
    """Rename first, delete after: an interrupted delete leaves a leftover, not a half folder."""
    if not folder.exists():
        return
    old = out / f"{LEFTOVER_PREFIXES[1]}{folder.name}-{uuid.uuid4().hex[:8]}"
    os.rename(folder, old)
    shutil.rmtree(old, ignore_errors=True)


def _write_summaries(out: Path, results: Sequence[DocumentResult], ignored: Mapping[str, Sequence[str]]) -> None:
    """summary.csv and summary.json; ``ignored`` names the files of each document that were not read."""
    rows = [{**r.row(), "ignored": ";".join(ignored.get(r.id, ()))} for r in results]
    totals = {name: sum(row[name] or 0 for row in rows) for name in COUNTS}
    statuses = {"documents": len(rows), "ok": sum(r.status == "ok" for r in results)}
    statuses["error"] = statuses["documents"] - statuses["ok"]
    document = {"documents": rows, "totals": {**statuses, **totals}}
    # Both or neither: a full disk must not leave a new CSV beside last run's JSON.
    targets = plan_outputs({name: str(out / name) for name in SUMMARY_FILES})
    write_outputs(
        [
            (targets[SUMMARY_FILES[0]], _csv(SUMMARY_FIELDS, rows).encode("utf-8")),
            (targets[SUMMARY_FILES[1]], (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")),
        ]
    )


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


def _execute(
    jobs: Sequence[Job], workers: int | None, scheduler: str | None, pool: Executor | None
) -> Generator[DocumentResult]:
    if not jobs:
        return
    count = min(workers or _cores(), len(jobs))
    if scheduler:
        yield from _on_dask(jobs, scheduler)
    elif pool is not None:
        yield from _on_processes(jobs, pool)
    elif count == 1:
        yield from map(process_document, jobs)
    else:
        with worker_pool(count) as own:
            yield from _on_processes(jobs, own)


def _worker_init() -> None:
    # Ctrl-C is the parent's to handle: it stops handing out work and writes nothing half.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


WARM_MANIFEST = 64 * 1024  # bytes of manifest (a few hundred documents) worth starting warm workers for


def _large_manifest(source: str | Path) -> bool:
    try:
        return Path(source).is_file() and Path(source).stat().st_size >= WARM_MANIFEST
    except OSError:
        return False


def _warm_worker_init() -> None:
    from aligner.variants import load_segmenter

    _worker_init()
    load_segmenter()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the batch process dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request was made
        os._exit(1)


@contextlib.contextmanager
def worker_pool(workers: int, *, warm: bool = False) -> Iterator[Executor]:
    """Worker processes that start now; with ``warm`` they load the word segmenter at once.

    ``aligner batch`` makes a warm pool before it reads a large manifest, so that the half
    second each worker spends loading jieba's dictionary overlaps with reading and checking
    it. (For a few documents that may need no word segmentation at all, it would only delay them.)
    """
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker_init if warm else _worker_init)
    for _ in range(workers):  # start every worker now, not when the first documents arrive
        pool.submit(int)
    try:
        yield pool
    finally:
        # Idle or not (a run where every document was unchanged never used them, and they
        # may still be loading), the workers have nothing left to do.
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)


def _process_chunk(jobs: Sequence[Job]) -> list[DocumentResult]:
    return [process_document(job) for job in jobs]


def _on_processes(jobs: Sequence[Job], pool: Executor) -> Iterator[DocumentResult]:
    from concurrent.futures import as_completed

    # A few documents a task: one round trip per chunk, small enough that no worker is
    # left with a long tail while the others wait.
    size = max(1, min(CHUNK, len(jobs) // (8 * _cores())))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    futures = [pool.submit(_process_chunk, chunk) for chunk in chunks]
    finished = False
    try:
        for future in as_completed(futures):
            yield from future.result()
        finished = True
    finally:
        if not finished:  # stopped: workers must not go on writing folders that nobody will place
            # The workers go, and the pool cancels what never started (cancelling futures
            # here would race with its manager thread marking them broken).
            _kill_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)


def _kill_workers(pool: Any) -> None:
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(5)


def _on_dask(jobs: Sequence[Job], address: str) -> Iterator[DocumentResult]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'aligner[dask]'") from None
    client = _connect(Client, address)
    token = uuid.uuid4().hex[:8]
    keys = {f"aligner-{token}-{job.document.id}": job for job in jobs}
    futures = client.map(process_document, list(keys.values()), key=list(keys), pure=False)
    try:
        for future in as_completed(futures):
            yield _dask_result(future, keys[future.key])
    finally:
        client.cancel(futures)
        client.close()


def _connect(client_type: Any, address: str) -> Any:
    """A Dask client, or a UsageError within ``SCHEDULER_SECONDS`` when nothing answers like a scheduler.

    Dask's own timeout covers the connection but not its handshake: a port where
    something else listens (a web server) would keep it waiting for ever. So the client
    is made in a daemon thread that the batch stops waiting for.
    """
    import threading

    made: dict[str, Any] = {}

    def connect() -> None:
        try:
            made["client"] = client_type(address, timeout=SCHEDULER_SECONDS)
        except Exception as err:  # any failure to connect is reported the same way
            made["error"] = err

    thread = threading.Thread(target=connect, name="aligner-dask-connect", daemon=True)
    thread.start()
    thread.join(SCHEDULER_SECONDS + 5)
    if "client" in made:
        return made["client"]
    reason = " ".join(str(made["error"]).split())[:200] if "error" in made else f"no answer in {SCHEDULER_SECONDS} s"
    raise UsageError(f"cannot reach the Dask scheduler at {address}: {reason}")


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
    options: BatchOptions,
    *,
    quiet: bool = False,
    echo: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> int:
    """``aligner batch``: load a manifest or folder, run, report; return the exit code.

    One line per failed document on stderr (``aligner: DOC_ID: message``), then the
    summary line on stdout. Exit 0 when every document is ok, 2 when any failed (bad input).
    """
    from aligner.manifest import load

    say = echo or (lambda text: print(text, end=""))
    note = warn or (lambda line: print(line, file=sys.stderr))
    workers = _check_options(options, lambda _line: None)  # run_batch warns; this only sizes the pool
    count = workers or _cores()
    early = count > 1 and not options.scheduler and _large_manifest(source)
    with worker_pool(count, warm=True) if early else contextlib.nullcontext() as pool:
        summary = run_batch(load(source), Path(out_dir), options, progress=not quiet, warn=note, pool=pool)
    for result in summary.errors:
        note(f"aligner: {result.id}: {result.error}")
    for doc_id in summary.stale:
        note(f"aligner: {doc_id}: results of a document no longer in the corpus (--prune removes them)")
    if not quiet:
        say(summary.line() + "\n")
    return 2 if summary.errors else 0
