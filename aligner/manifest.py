"""Corpus manifests: which documents a corpus holds and which files are their witnesses.

A manifest is JSON, checked against ``schemas/manifest.schema.json``::

    {"documents": [{"id": "nhrap-2021-2025", "title": "…", "base": "web",
                    "witnesses": [{"siglum": "web", "path": "web.txt", "kind": "web"},
                                  {"siglum": "pdf", "path": "pdf.txt", "kind": "pdf"}]}]}

Witness paths are relative to the manifest's folder. A folder laid out as
``DOC/SIGLUM.txt`` is a corpus too (:func:`from_folder`), and :func:`load` takes either.

>>> manifest = load_manifest("corpora/nhrap-2021-2025/manifest.json")
>>> [(w.siglum, w.kind) for w in manifest.documents[0].witnesses]
[('web', 'web'), ('pdf', 'pdf')]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex

from aligner.errors import InputError, os_problem
from aligner.pipeline import parse_sigla

__all__ = [
    "MANIFEST_NAME",
    "Document",
    "Manifest",
    "WitnessEntry",
    "from_folder",
    "load",
    "load_manifest",
]

MANIFEST_NAME = "manifest.json"
SCHEMA_NAME = "manifest.schema.json"
# Must agree with the schema's document id pattern: ids name output folders.
DOCUMENT_ID = regex.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*\Z")


@dataclass(frozen=True, slots=True)
class WitnessEntry:
    """One witness file of a document: ``path`` as the manifest writes it, ``file`` resolved."""

    siglum: str
    path: str
    file: Path
    kind: str = ""
    sha256: str = ""
    description: str = ""
    format: str | None = None  # a reader to force; None: recognised from content and name
    encoding: str | None = None  # a text encoding to force; None: detected


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a corpus; ``base=None`` lets the first witness lead."""

    id: str
    witnesses: tuple[WitnessEntry, ...]
    title: str = ""
    language: str = ""
    base: str | None = None
    ignored: tuple[str, ...] = ()  # files in a document folder that are not editions aligner reads
    # How it is normalized and typed, as `aligner align`'s flags say it: from the manifest
    # or from `aligner batch`'s own flags. ``profile`` overrides the one ``language`` picks.
    profile: str | None = None
    reflow: bool = True
    spacing: bool = True
    orthographic: bool = True


@dataclass(frozen=True, slots=True)
class Manifest:
    """The documents of a corpus, in manifest order; ``source`` is the manifest file or folder."""

    documents: tuple[Document, ...]
    source: Path


def load(path: str | Path) -> Manifest:
    """A manifest file, a folder holding ``manifest.json``, or a ``DOC/SIGLUM.txt`` folder."""
    source = Path(path)
    try:
        if source.is_dir():
            inside = source / MANIFEST_NAME
            return load_manifest(inside) if inside.is_file() else from_folder(source)
        return load_manifest(source)
    except OSError as err:  # a folder that cannot be listed, a symlink loop among the editions
        raise InputError(err.filename or source, *os_problem(err, "be read")) from None
    except RuntimeError as err:  # pathlib's resolve() of a symlink loop
        raise InputError(source, f"cannot be read ({err})", "remove the symlink loop") from None


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a JSON manifest; problems name the file and the JSON path."""
    source = Path(path)
    data = _read_json(source)
    _validate(source, data)
    root = source.resolve().parent
    documents = tuple(_document(item, root) for item in data["documents"])
    _check_unique(source, documents)
    return Manifest(documents=documents, source=source)


WITNESS_SUFFIXES = frozenset({".txt", ".pdf", ".html", ".htm", ".docx", ".xml"})


def from_folder(path: str | Path) -> Manifest:
    """A corpus laid out as ``DOC/SIGLUM.{txt,pdf,html,docx,xml}``: each subfolder a document, each edition a witness.

    Sorted by name so every run sees the same order. Hidden folders and files are left
    out; other files are listed as ignored. Where two editions share a stem (``web.txt``,
    ``web.html``) their whole names are their sigla. A subfolder with fewer than two
    witnesses stays in: the batch reports it as an error row.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(folder, "is not a folder", "give a manifest file or a DOC/SIGLUM.txt folder")
    documents = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not DOCUMENT_ID.match(sub.name):
            raise InputError(sub, "folder name cannot be a document id", "use letters, digits, '.', '_', '-'")
        visible = sorted(p for p in sub.iterdir() if not p.name.startswith("."))
        files = [p for p in visible if p.suffix.lower() in WITNESS_SUFFIXES]
        sigla = parse_sigla(files, None)
        entries = tuple(
            WitnessEntry(siglum=siglum, path=f"{sub.name}/{f.name}", file=f.resolve())
            for f, siglum in zip(files, sigla, strict=True)
        )
        ignored = tuple(f"{sub.name}/{p.name}" for p in visible if p not in files)
        documents.append(Document(id=sub.name, witnesses=entries, ignored=ignored))
    if not documents:
        raise InputError(folder, "has no document folders", "lay the corpus out as DOC/SIGLUM.txt")
    return Manifest(documents=tuple(documents), source=folder)


MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def _read_json(source: Path) -> Any:
    from aligner.files import read_input

    raw = read_input(source, limit=MAX_MANIFEST_BYTES)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise InputError(source, f"not UTF-8 at byte {err.start}", "save the manifest as UTF-8") from None
    except json.JSONDecodeError as err:
        raise InputError(source, f"not JSON: line {err.lineno} column {err.colno}: {err.msg}") from None
    except RecursionError:
        raise InputError(source, "is nested too deeply to be a manifest", "see schemas/manifest.schema.json") from None


@cache
def _validator() -> Any:
    import jsonschema

    from aligner.resources import schema_bytes

    strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _whole_pattern})
    return strict(json.loads(schema_bytes(SCHEMA_NAME)))


def _whole_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """JSON Schema's ``pattern`` as ECMA-262 reads it: ``$`` is the end of the string.

    Python's ``$`` also matches before a final newline, which would let ``"web\\n"`` through
    as a kind or siglum and into XML names and folder names.
    """
    import jsonschema

    if not validator.is_type(instance, "string"):
        return
    anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    if not regex.search(anchored, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _validate(source: Path, data: Any) -> None:
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        message = " ".join(error.message.split())
        if len(message) > 200:
            message = message[:197] + "..."
        raise InputError(source, f"{error.json_path}: {message}", "see schemas/manifest.schema.json")


def _document(item: dict[str, Any], root: Path) -> Document:
    witnesses = tuple(
        WitnessEntry(
            siglum=w["siglum"],
            path=w["path"],
            file=(root / w["path"]).resolve(),
            kind=w.get("kind", ""),
            sha256=w.get("sha256", ""),
            description=w.get("description", ""),
            format=w.get("format"),
            encoding=w.get("encoding"),
        )
        for w in item["witnesses"]
    )
    return Document(
        id=item["id"],
        witnesses=witnesses,
        title=item.get("title", ""),
        language=item.get("language", ""),
        base=item.get("base"),
        profile=item.get("profile"),
        reflow=item.get("reflow", True),
        spacing=item.get("spacing", True),
        orthographic=item.get("orthographic", True),
    )


def _check_unique(source: Path, documents: tuple[Document, ...]) -> None:
    """What the schema cannot say: unique ids, unique sigla, a base that is one of them."""
    seen: set[str] = set()
    for i, document in enumerate(documents):
        where = f"$.documents[{i}]"
        if document.id.casefold() in seen:
            # casefold: on macOS and Windows "A" and "a" are the same output folder.
            raise InputError(source, f"{where}.id: {document.id!r} is used twice", "document ids must be unique")
        seen.add(document.id.casefold())
        sigla = [w.siglum for w in document.witnesses]
        for j, siglum in enumerate(sigla):
            if siglum in sigla[:j]:
                raise InputError(source, f"{where}.witnesses[{j}].siglum: {siglum!r} is used twice in the document")
        if document.base is not None and document.base not in sigla:
            raise InputError(source, f"{where}.base: {document.base!r} is not one of the sigla {', '.join(sigla)}")
