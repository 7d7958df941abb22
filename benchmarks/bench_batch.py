"""Batch throughput: documents and megabytes per second for 1, 2, ... worker processes.

    .venv/bin/python benchmarks/bench_batch.py [--documents 1000] [--workers 1,2]

Builds a corpus of generated documents from the seed's web paragraphs
(:func:`aligner.samples.batch_corpus`, which the batch tests use too: 10-30 paragraphs
each, a second witness edited in a known way, and five broken files), then runs
``aligner batch`` as a fresh process per worker count, each into an empty folder, and
reports wall time and the scaling against one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aligner.samples import batch_corpus


def _input_bytes(manifest: Path) -> int:
    documents = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
    files = (manifest.parent / w["path"] for d in documents for w in d["witnesses"])
    return sum(f.stat().st_size for f in files if f.exists())


def _run(manifest: Path, out: Path, workers: int) -> float:
    command = [sys.executable, "-m", "aligner", "batch", str(manifest), "--out", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    result = subprocess.run([*command, "-q"], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 2):  # 2: the broken documents, as intended
        raise SystemExit(f"aligner batch failed ({result.returncode}): {result.stderr.strip()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    default_workers = ",".join(str(n) for n in sorted({1, 2, os.cpu_count() or 1}))
    parser.add_argument("--workers", default=default_workers, help=f"comma-separated counts [{default_workers}]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aligner-bench-batch-") as tmp:
        manifest, _ = batch_corpus(Path(tmp) / "corpus", args.documents)
        documents = len(json.loads(manifest.read_text(encoding="utf-8"))["documents"])
        megabytes = _input_bytes(manifest) / 1e6
        print(f"{documents} documents, {megabytes:.2f} MB of witness text; {os.cpu_count()} cores")
        print(f"{'workers':>7}  {'seconds':>8}  {'docs/s':>7}  {'MB/s':>6}  {'vs 1':>5}")
        baseline = None
        for workers in (int(n) for n in args.workers.split(",")):
            seconds = _run(manifest, Path(tmp) / f"out-{workers}", workers)
            baseline = baseline or seconds
            print(
                f"{workers:>7}  {seconds:>8.2f}  {documents / seconds:>7.1f}  {megabytes / seconds:>6.2f}"
                f"  {baseline / seconds:>4.2f}x"
            )


if __name__ == "__main__":
    main()
