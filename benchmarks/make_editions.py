"""Edited editions of real text, with the true alignment, for the alignment benchmark.

    .venv/bin/python benchmarks/make_editions.py OUT_DIR [--size 1000000] [--seed 1] [--noise 0.01]

The base edition repeats the 285 paragraphs of the seed's web edition (later copies
numbered, as the volumes of a long report would be) up to ``--size`` bytes of UTF-8; the
other edition applies known edits at fixed rates (:func:`aligner.samples.editions`):
deleted, inserted, split (1:2 to 1:4), merged (2:1 to 3:1) and moved paragraphs, a
changed word, punctuation-only and width-only changes. ``--noise`` then replaces that
share of the characters of every paragraph of the other edition by other characters of
the text, as OCR would: no paragraph is left identical. Writes ``base.txt`` and
``edited.txt`` (one paragraph per line with the web edition's U+3000 indent) and
``truth.json``: the groups of the true alignment.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from aligner.samples import base_paragraphs, editions

INDENT = "\u3000\u3000"


def write(out: Path, size: int, seed: int = 1, noise: float = 0.0) -> tuple[Path, Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    base = base_paragraphs(size)
    edited, groups = editions(base, seed, noise)
    paths = out / "base.txt", out / "edited.txt", out / "truth.json"
    paths[0].write_text("".join(f"{INDENT}{p}\n" for p in base), encoding="utf-8")
    paths[1].write_text("".join(f"{INDENT}{p}\n" for p in edited), encoding="utf-8")
    paths[2].write_text(json.dumps({"groups": groups}, ensure_ascii=False), encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of the base edition")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", type=float, default=0.0, help="share of characters changed in every paragraph")
    args = parser.parse_args()
    for path in write(args.out, args.size, args.seed, args.noise):
        print(path, path.stat().st_size)


if __name__ == "__main__":
    main()
