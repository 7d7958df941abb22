"""TEI export time and peak memory on 1, 10 and 50 MB pairs: export must grow linearly with the units.

    .venv/bin/python benchmarks/bench_tei.py [--sizes 1000000,10000000,50000000]

Each size runs in a fresh process: read, normalize and align the generated pair
(``make_editions.py``), then render JSON and TEI, each timed on its own; peak RSS is the
whole process's. The last column is seconds per thousand units, which stays flat when
the export is linear.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAKE_EDITIONS = Path(__file__).resolve().parent / "make_editions.py"


def child(base: Path, edited: Path) -> None:
    from aligner.export import to_json, to_tei
    from aligner.pipeline import align_files

    started = time.perf_counter()
    alignment = align_files([base, edited])
    aligned = time.perf_counter()
    to_json(alignment)
    json_done = time.perf_counter()
    tei = to_tei(alignment)
    tei_done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "units": len(alignment.units),
                "align": aligned - started,
                "json": json_done - aligned,
                "tei": tei_done - json_done,
                "tei_mb": len(tei) / 1e6,
                "peak_mb": peak,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000,50000000")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    columns = ("pair", "units", "align s", "JSON s", "TEI s", "TEI MB", "peak MB", "TEI s/1k units")
    print(" ".join(f"{c:>{max(7, len(c))}}" for c in columns))
    with tempfile.TemporaryDirectory(prefix="aligner-bench-tei-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            # made in a process of its own: Linux carries a process's peak memory across exec,
            # so a child started from a process that had held 50 MB editions would count them
            folder = Path(tmp) / str(size)
            subprocess.run(
                [sys.executable, str(MAKE_EDITIONS), str(folder), "--size", str(size)], check=True, capture_output=True
            )
            base, edited = folder / "base.txt", folder / "edited.txt"
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(base), str(edited)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(result.stdout)
            per = r["tei"] / r["units"] * 1000
            print(
                f"{size / 1e6:>5g} MB {r['units']:>7} {r['align']:>7.2f} {r['json']:>7.2f} {r['tei']:>7.2f} "
                f"{r['tei_mb']:>7.1f} {r['peak_mb']:>7.0f} {per:>14.3f}"
            )


if __name__ == "__main__":
    main()
