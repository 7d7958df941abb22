"""Edited editions of real text, with the true alignment, for the alignment benchmark.

    .venv/bin/python benchmarks/make_editions.py OUT_DIR [--size 1000000] [--seed 1] [--noise 0.01]

The base edition repeats the 285 paragraphs of the seed's web edition (later copies
numbered, as the volumes of a long report would be) up to ``--size`` bytes of UTF-8; the
other edition applies known edits at fixed rates: deleted, inserted, split (1:2 to 1:4),
merged (2:1 to 3:1) and moved paragraphs, a changed word, punctuation-only and
width-only changes. ``--noise`` then replaces that share of the characters of every
paragraph of the other edition by other characters of the text, as OCR would: no
paragraph is left identical, so nothing can be matched by its exact text. Writes
``base.txt`` and ``edited.txt`` (one paragraph per line with
the web edition's U+3000 indent) and ``truth.json``: the groups of the true alignment.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "corpora" / "nhrap-2021-2025" / "web.txt"
INDENT = "\u3000\u3000"

# Per base paragraph, the chance of each edit (the rest stay as they are).
RATES = (
    ("delete", 0.01),
    ("insert", 0.01),
    ("split", 0.01),
    ("merge", 0.01),
    ("move", 0.004),
    ("word", 0.03),
    ("punctuation", 0.02),
    ("width", 0.01),
)
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def base_paragraphs(size: int) -> list[str]:
    seed = [line.strip() for line in WEB.read_text(encoding="utf-8").split("\n") if line.strip()]
    paragraphs: list[str] = []
    total, copy = 0, 0
    while total < size:
        for text in seed:
            text = text if copy == 0 else f"{text}（卷{copy}）"
            paragraphs.append(text)
            total += len(text.encode("utf-8")) + len(INDENT.encode("utf-8")) + 1
            if total >= size:
                break
        copy += 1
    return paragraphs


def _pick(rng: random.Random) -> str | None:
    roll = rng.random()
    for name, rate in RATES:
        if roll < rate:
            return name
        roll -= rate
    return None


def _cut(text: str, parts: int) -> list[str]:
    cuts = [len(text) * k // parts for k in range(parts + 1)]
    return [text[cuts[k] : cuts[k + 1]] for k in range(parts)]


def edit(base: list[str], rng: random.Random) -> tuple[list[str], list[dict[str, object]]]:
    """The edited edition and its true groups: ``{"op", "base": [...], "edited": [...]}``."""
    edited: list[str] = []
    groups: list[dict[str, object]] = []
    moved: list[tuple[int, str]] = []
    i = 0
    while i < len(base):
        op, text = _pick(rng), base[i]
        if op == "merge" and i + 1 < len(base):
            n = rng.choice((2, 3))
            members = list(range(i, min(i + n, len(base))))
            groups.append({"op": op, "base": members, "edited": [len(edited)]})
            edited.append("".join(base[j] for j in members))
            i = members[-1] + 1
            continue
        if op == "delete":
            groups.append({"op": op, "base": [i], "edited": []})
        elif op == "move":
            moved.append((i, text))
        elif op == "split" and len(text) >= 40:
            pieces = _cut(text, rng.choice((2, 3, 4)))
            groups.append({"op": op, "base": [i], "edited": list(range(len(edited), len(edited) + len(pieces)))})
            edited.extend(pieces)
        else:
            if op == "insert":
                groups.append({"op": op, "base": [], "edited": [len(edited)]})
                edited.append(f"本段为第{i}段之前插入的新内容，原版没有。")
            if op in ("word", "punctuation", "width"):
                text = _change(text, op, rng)
            groups.append({"op": op or "same", "base": [i], "edited": [len(edited)]})
            edited.append(text)
        i += 1
    for i, text in moved:  # moved paragraphs reappear far away, at the end of the edition
        groups.append({"op": "move", "base": [i], "edited": [len(edited)]})
        edited.append(text)
    return edited, groups


def _change(text: str, op: str, rng: random.Random) -> str:
    if op == "word" and len(text) > 8:
        at = rng.randrange(len(text) - 2)
        return text[:at] + "鑫淼" + text[at + 2 :]
    if op == "punctuation" and "，" in text:
        return text.replace("，", "；", 1)
    if op == "width" and any(c.isdigit() for c in text):
        return text.translate(WIDE)
    return text


def add_noise(paragraphs: list[str], rate: float, rng: random.Random) -> list[str]:
    """Every paragraph with ``rate`` of its characters replaced by other characters of the text."""
    alphabet = sorted({c for p in paragraphs for c in p if not c.isspace()})
    noisy = []
    for text in paragraphs:
        chars = list(text)
        for k in range(len(chars)):
            if rng.random() < rate:
                chars[k] = rng.choice(alphabet)
        noisy.append("".join(chars))
    return noisy


def write(out: Path, size: int, seed: int = 1, noise: float = 0.0) -> tuple[Path, Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    base = base_paragraphs(size)
    rng = random.Random(seed)
    edited, groups = edit(base, rng)
    if noise:
        edited = add_noise(edited, noise, rng)
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
