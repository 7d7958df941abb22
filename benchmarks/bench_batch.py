"""Batch throughput: documents and megabytes per second for 1, 2, ... worker processes.

    .venv/bin/python benchmarks/bench_batch.py [--documents 1000] [--workers 1,2] [--repeat 3]

Builds a corpus of generated documents from the seed's web paragraphs
(:func:`aligner.samples.batch_corpus`, which the batch tests use too: 10-30 paragraphs
each, a second witness edited in a known way, and five broken files), then runs
``aligner batch`` as a fresh process per worker count, each into an empty folder, and
reports the median wall time of ``--repeat`` interleaved runs and the scaling against one
worker, beside what the machine itself gives n processes of pure Python work.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


SPIN = 10_000_000  # about half a second of pure Python


def _machine(workers: int) -> float:
    """How much faster ``workers`` processes do ``workers`` equal pure-Python tasks than one
    process does them in turn: the ceiling this machine puts on any batch's scaling (virtual
    CPUs are often slower together than apart)."""
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    for _ in range(workers):
        _spin(SPIN)
    serial = time.perf_counter() - started
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1]))  # the processes start before the clock does
        started = time.perf_counter()
        list(pool.map(_spin, [SPIN] * workers))
    return serial / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    default_workers = ",".join(str(n) for n in sorted({1, 2, os.cpu_count() or 1}))
    parser.add_argument("--workers", default=default_workers, help=f"comma-separated counts [{default_workers}]")
    parser.add_argument("--repeat", type=int, default=3, help="runs per worker count, interleaved; the median counts")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="aligner-bench-batch-") as tmp:
        manifest, _ = batch_corpus(Path(tmp) / "corpus", args.documents)
        documents = len(json.loads(manifest.read_text(encoding="utf-8"))["documents"])
        megabytes = _input_bytes(manifest) / 1e6
        print(f"{documents} documents, {megabytes:.2f} MB of witness text; {os.cpu_count()} cores")
        times: dict[int, list[float]] = {n: [] for n in counts}
        machine: dict[int, list[float]] = {n: [] for n in counts}
        for repeat in range(args.repeat):  # interleaved, so that a noisy minute hits every count alike
            for workers in counts:
                out = Path(tmp) / f"out-{workers}-{repeat}"
                times[workers].append(_run(manifest, out, workers))
                shutil.rmtree(out)
                machine[workers].append(_machine(workers) if workers > 1 else 1.0)
        print(f"{'workers':>7}  {'seconds':>8}  {'docs/s':>7}  {'MB/s':>6}  {'vs 1':>5}  {'machine':>7}  runs")
        baseline = statistics.median(times[counts[0]])
        for workers in counts:
            seconds = statistics.median(times[workers])
            runs = " ".join(f"{t:.2f}" for t in times[workers])
            ceiling = statistics.median(machine[workers])
            print(
                f"{workers:>7}  {seconds:>8.2f}  {documents / seconds:>7.1f}  {megabytes / seconds:>6.2f}"
                f"  {baseline / seconds:>4.2f}x  {ceiling:>6.2f}x  {runs}"
            )
        print("machine: the speed-up of n pure-Python processes over one on this machine, the ceiling for 'vs 1'")


if __name__ == "__main__":
    main()
