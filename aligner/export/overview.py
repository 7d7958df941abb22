"""The short human overview that ``aligner align`` prints on stdout.

>>> from aligner.normalize import normalize_text
>>> from aligner.align import align
>>> a = normalize_text("一段。\\n二段。", siglum="a")
>>> b = normalize_text("一段。\\n二段，", siglum="b")
>>> print(render(align([a, b])), end="")
a  <text>  2 paragraphs (base)
b  <text>  2 paragraphs
2 units: 1 equal, 1 variant, 0 gap
1 variant: 1 punctuation
"""

from __future__ import annotations

from aligner.model import Alignment

__all__ = ["render"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(alignment: Alignment) -> str:
    """Witness lines, unit counts, variant counts by type, and moves, one per line."""
    width = max(len(s) for s in alignment.sigla)
    lines = []
    for w in alignment.witnesses:
        role = " (base)" if w.siglum == alignment.base else ""
        lines.append(f"{w.siglum:<{width}}  {w.witness.path}  {_plural(len(w.paragraphs), 'paragraph')}{role}")
    c = alignment.counts()
    lines.append(f"{_plural(c['units'], 'unit')}: {c['equal']} equal, {c['variant']} variant, {c['gap']} gap")
    variants = {t: n for t, n in c["variants"].items() if n}
    total = sum(variants.values())
    by_type = ", ".join(f"{n} {t}" for t, n in variants.items())
    lines.append(f"{_plural(total, 'variant')}: {by_type}" if total else "no variants")
    if c["moved"]:
        lines.append(f"{_plural(c['moved'], 'unit')} with a moved paragraph")
    return "\n".join(lines) + "\n"
