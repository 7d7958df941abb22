"""Normalize throughput beside the peers, in the same run: MB/s and peak memory.

    .venv/bin/python benchmarks/bench_normalize.py [--megabytes 10] [--runs 3]

Inputs, about ``--megabytes`` each: PDF-style Chinese (the seed pdf.txt and the real
extractions in tests/data/reflow, repeated) and English (the GPL extractions, repeated).
Each tool runs in a fresh process, best of ``--runs``:

- ``aligner normalize FILE -o OUT``: the whole command, reading, reflow, spacing, writing;
- ``opencc-pyo3 reflow``: ``reflow_cjk_paragraphs`` (Rust), the peer for reflow;
- ``pangu``: ``pangu.space_text``, the peer for CJK spacing (it inserts spaces where
  aligner's zh profile removes them, but it does the same kind of work).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "reflow"

READ = "import sys; t = open(sys.argv[1], encoding='utf-8').read(); out = open(sys.argv[2], 'w', encoding='utf-8'); "
PEERS = {
    "opencc-pyo3 reflow": READ
    + "from opencc_pyo3.opencc_pyo3 import reflow_cjk_paragraphs as r; out.write(r(t, False, True))",
    "pangu spacing": READ + "import pangu; out.write(pangu.space_text(t))",
}


def build(kind: str, megabytes: float, out: Path) -> Path:
    sources = [ROOT / "corpora" / "nhrap-2021-2025" / "pdf.txt", *sorted(CASES.glob("zh-*.txt"))]
    if kind == "en":
        sources = sorted(CASES.glob("en-*.txt"))
    pieces = [p.read_text(encoding="utf-8") for p in sources]
    text, n = "", 0
    while len(text.encode("utf-8")) < megabytes * 1e6:
        text += pieces[n % len(pieces)] + "\f"
        n += 1
    path = out / f"{kind}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    aligner = str(Path(sys.executable).parent / "aligner")
    with tempfile.TemporaryDirectory(prefix="aligner-bench-normalize-") as tmp:
        folder = Path(tmp)
        print(f"{'input':<6} {'tool':<20} {'MB':>6} {'seconds':>8} {'MB/s':>7} {'peak MB':>8} {'time/aligner':>12}")
        for kind in ("zh", "en"):
            source = build(kind, args.megabytes, folder)
            size = source.stat().st_size / 1e6
            commands = {"aligner normalize": [aligner, "normalize", str(source), "-o", str(folder / "out.txt"), "-q"]}
            commands |= {
                name: [sys.executable, "-c", code, str(source), str(folder / "peer.txt")]
                for name, code in PEERS.items()
            }
            results = {name: min(timed(command) for _ in range(args.runs)) for name, command in commands.items()}
            ours = results["aligner normalize"][0]
            for name, (seconds, rss) in results.items():
                rate, ratio = size / seconds, seconds / ours
                print(f"{kind:<6} {name:<20} {size:>6.1f} {seconds:>8.2f} {rate:>7.1f} {rss:>8.0f} {ratio:>11.2f}x")


if __name__ == "__main__":
    main()
