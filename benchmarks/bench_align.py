"""Alignment speed, memory and correctness, side by side with the tools a user would otherwise pick.

    .venv/bin/python benchmarks/bench_align.py [--sizes 25000,1000000,10000000] [--noisy 1000000,10000000]
                                               [--limit 120]

Cases: the bundled seed pair (web.txt against the truncated pdf.txt), generated
editions of about 25 KB, 1 MB and 10 MB with known edits (``make_editions.py``), and the
same edits with 1% of the characters of every paragraph changed besides (``--noisy``:
no paragraph is identical to its counterpart). Tools,
each in a fresh process (wall time, and peak RSS from ``wait4``):

- ``aligner``: the whole ``aligner align A B --json FILE`` command, normalization included;
- ``difflib``: ``SequenceMatcher`` over the paragraphs (lines, or the pdf's blank-line blocks);
- ``galechurch``: the Gale-Church aligner over the same paragraphs;
- ``collatex`` and ``collatex+jieba``: CollateX on the text, plain and fed jieba tokens,
  within ``--limit`` seconds (it is quadratic; beyond the limit it is reported as such).

Correctness: for the generated editions, the share of the true groups that come back as
one unit (all of them, and the split/merge groups alone); for the seed pair, whether the
truncation point is exact (web 0-93 paired one to one with pdf 0-93, nothing of the pdf
after that) and how many units differ.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

Group = tuple[tuple[int, ...], tuple[int, ...]]
SEED = ROOT / "corpora" / "nhrap-2021-2025"


# --- what each peer sees: paragraphs as a user would cut them without aligner's reflow ----------


def paragraphs(path: Path) -> list[str]:
    """Lines for one-paragraph-per-line text; blank-line blocks (lines joined) for PDF text."""
    text = path.read_text(encoding="utf-8").replace("\f", "\n")
    lines = [line.strip() for line in text.split("\n")]
    if sum(1 for line in lines if not line) * 4 < len(lines):
        return [line for line in lines if line]
    blocks = ["".join(block.split()) for block in "\n".join(lines).split("\n\n")]
    return [b for b in blocks if b]


def _write_editions(folder: Path, size: int, noise: float = 0.0) -> tuple[Path, Path, Path]:
    # In a process of its own: the benchmark process must stay small, because a peer's
    # process starts as a copy of it and its peak memory would count what this one holds.
    script = ROOT / "benchmarks" / "make_editions.py"
    command = [sys.executable, str(script), str(folder), "--size", str(size), "--noise", str(noise)]
    subprocess.run(command, check=True, capture_output=True)
    return folder / "base.txt", folder / "edited.txt", folder / "truth.json"


def run_aligner(a: Path, b: Path) -> list[Group]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "a.json"
        command = [str(Path(sys.executable).parent / "aligner"), "align", str(a), str(b), "--json", str(out), "-q"]
        subprocess.run(command, check=True)
        units = json.loads(out.read_text(encoding="utf-8"))["units"]
    sigla = list(units[0]["paragraphs"])
    return [(tuple(u["paragraphs"][sigla[0]]), tuple(u["paragraphs"][sigla[1]])) for u in units]


def run_difflib(a: Path, b: Path) -> list[Group]:
    pa, pb = paragraphs(a), paragraphs(b)
    groups: list[Group] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, pa, pb, autojunk=False).get_opcodes():
        if op == "equal":
            groups += [((i,), (j,)) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        elif op == "replace":
            groups.append((tuple(range(i1, i2)), tuple(range(j1, j2))))
        else:
            groups += [((i,), ()) for i in range(i1, i2)] + [((), (j,)) for j in range(j1, j2)]
    return groups


def run_galechurch(a: Path, b: Path) -> list[Group]:
    import galechurch

    block = galechurch.align(paragraphs(a), paragraphs(b))
    return [
        (tuple(range(x.source_start, x.source_end)), tuple(range(x.target_start, x.target_end))) for x in block.beads
    ]


def _collate(witnesses: list[dict[str, object]]) -> list[Group]:
    from collatex import Collation, collate

    collation = Collation.create_from_dict({"witnesses": witnesses})
    collate(collation, output="json", segmentation=True)
    return []  # CollateX aligns tokens, not paragraphs: timed, not scored


def run_collatex(a: Path, b: Path) -> list[Group]:
    texts = {"a": a.read_text(encoding="utf-8"), "b": b.read_text(encoding="utf-8")}
    return _collate([{"id": siglum, "content": text} for siglum, text in texts.items()])


def run_collatex_jieba(a: Path, b: Path) -> list[Group]:
    import jieba

    def tokens(path: Path) -> list[dict[str, str]]:
        return [{"t": t} for t in jieba.cut(path.read_text(encoding="utf-8")) if t.strip()]

    return _collate([{"id": "a", "tokens": tokens(a)}, {"id": "b", "tokens": tokens(b)}])


TOOLS: dict[str, Callable[[Path, Path], list[Group]]] = {
    "aligner": run_aligner,
    "difflib": run_difflib,
    "galechurch": run_galechurch,
    "collatex": run_collatex,
    "collatex+jieba": run_collatex_jieba,
}


def child(tool: str, a: Path, b: Path, out: Path) -> None:
    """Run one tool and write its groups (or its error) as JSON."""
    try:
        groups = TOOLS[tool](a, b)
        out.write_text(json.dumps({"groups": groups}), encoding="utf-8")
    except Exception as err:  # a peer refusing an input is a result, not a crash of the benchmark
        out.write_text(json.dumps({"error": f"{type(err).__name__}: {err}"[:120]}), encoding="utf-8")


def measure(tool: str, a: Path, b: Path, limit: float) -> dict[str, object]:
    """Wall seconds, peak RSS in MB, and the groups of one tool run in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "groups.json"
        command = [sys.executable, __file__, "--child", tool, str(a), str(b), str(out)]
        started = time.perf_counter()
        process = subprocess.Popen(command)
        deadline = started + limit
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                return {"seconds": None, "note": f"did not finish in {limit:.0f} s"}
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"error": f"exit {status}"}
    return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, **result}


# --- correctness ---------------------------------------------------------------------------------


def group_scores(groups: list[list[list[int]]], truth: list[dict[str, object]]) -> str:
    found = {(tuple(a), tuple(b)) for a, b in groups}
    every = [(tuple(g["base"]), tuple(g["edited"])) for g in truth]  # type: ignore[arg-type]
    shaped = [(tuple(g["base"]), tuple(g["edited"])) for g in truth if g["op"] in ("split", "merge")]  # type: ignore[arg-type]
    right = sum(g in found for g in every)
    right_shaped = sum(g in found for g in shaped)
    return f"groups {right}/{len(every)}, split/merge {right_shaped}/{len(shaped)}"


def seed_score(groups: list[list[list[int]]]) -> str:
    paired = [(a, b) for a, b in groups if a and b]
    one_to_one = all(len(a) == len(b) == 1 and a == b for a, b in paired)
    exact = one_to_one and sorted(a[0] for a, _ in paired) == list(range(94))
    differing = sum(1 for a, b in groups if not (a and b) or len(a) != 1 or len(b) != 1)
    return f"truncation {'exact' if exact else 'wrong'}, {len(paired)} paired units, {differing} not 1:1"


# --- the table -----------------------------------------------------------------------------------


NOISE = 0.01
Case = tuple[str, Path, Path, list[dict[str, object]] | None]


def _label(size: int) -> str:
    return f"{size / 1e6:g} MB" if size >= 1_000_000 else f"{size / 1e3:g} KB"


def cases(sizes: list[int], noisy: list[int], folder: Path) -> list[Case]:
    """Smallest first, so a peer that times out is not tried on anything larger; the noisy cases last."""
    seed: Case = ("seed pair", SEED / "web.txt", SEED / "pdf.txt", None)
    found: list[Case] = []
    for size in sorted(sizes):
        if size > (SEED / "web.txt").stat().st_size and seed not in found:
            found.append(seed)
        base, edited, truth = _write_editions(folder / str(size), size)
        found.append((_label(size), base, edited, json.loads(truth.read_text(encoding="utf-8"))["groups"]))
    if seed not in found:
        found.append(seed)
    for size in sorted(noisy):
        base, edited, truth = _write_editions(folder / f"noisy-{size}", size, noise=NOISE)
        label = f"{_label(size)} 1%"
        found.append((label, base, edited, json.loads(truth.read_text(encoding="utf-8"))["groups"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,1000000,10000000")
    parser.add_argument("--noisy", default="1000000,10000000", help="sizes of the cases with noise everywhere")
    parser.add_argument("--limit", type=float, default=120, help="seconds a peer may take per case")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--child", nargs=4, metavar=("TOOL", "A", "B", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        tool, a, b, out = args.child
        child(tool, Path(a), Path(b), Path(out))
        return
    tools = args.tools.split(",")
    timed_out: set[str] = set()
    print(f"{'case':<12} {'tool':<15} {'seconds':>8} {'peak MB':>8} {'vs aligner':>10}  correctness")
    with tempfile.TemporaryDirectory(prefix="aligner-bench-align-") as tmp:
        aligner_seconds: dict[str, float] = {}
        sizes = [int(s) for s in args.sizes.split(",") if s]
        noisy = [int(s) for s in args.noisy.split(",") if s]
        for label, a, b, truth in cases(sizes, noisy, Path(tmp)):
            for tool in tools:
                if tool in timed_out:
                    print(f"{label:<12} {tool:<15} {'skipped: too slow at a smaller size':>30}")
                    continue
                result = measure(tool, a, b, args.limit)
                seconds = result["seconds"]
                if not isinstance(seconds, float):
                    timed_out.add(tool)
                    print(f"{label:<12} {tool:<15} {result['note']}")
                    continue
                if tool == "aligner":
                    aligner_seconds[label] = seconds
                ratio = seconds / aligner_seconds[label] if label in aligner_seconds else float("nan")
                if "error" in result:
                    quality = f"failed: {result['error']}"
                elif not result["groups"]:
                    quality = "(token alignment: not scored)"
                else:
                    quality = seed_score(result["groups"]) if truth is None else group_scores(result["groups"], truth)  # type: ignore[arg-type]
                print(f"{label:<12} {tool:<15} {seconds:>8.2f} {result['rss_mb']:>8.0f} {ratio:>9.1f}x  {quality}")
        for suffix in ("", " 1%"):
            big = [aligner_seconds[k + suffix] for k in ("1 MB", "10 MB") if k + suffix in aligner_seconds]
            if len(big) == 2:
                print(f"aligner, 1 MB{suffix} -> 10 MB{suffix}: time x{big[1] / big[0]:.1f}")


if __name__ == "__main__":
    main()
