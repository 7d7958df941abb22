"""The README is part of the product: its layout matches the tree, its commands run as shown."""

from __future__ import annotations

import subprocess

import regex

import aligner

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else len(README)]


def _modules() -> list[str]:
    tracked = subprocess.run(["git", "ls-files", "aligner"], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode != 0:  # not a git checkout (an sdist): the files on disk
        return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "aligner").rglob("*.py"))
    return sorted(p for p in tracked.stdout.split() if p.endswith(".py"))


def test_the_layout_lists_every_module_and_only_modules_that_exist() -> None:
    layout = _section("Layout")
    bullets = [" ".join(b.split()) for b in layout.split("\n- ")[1:]]
    for module in _modules():
        folder, name = module.rsplit("/", 1)
        if folder == "aligner":
            assert any(f"`{module}`" in b for b in bullets), f"README layout does not name {module}"
        else:
            (bullet,) = [b for b in bullets if b.startswith(f"`{folder}/`")]
            assert name == "__init__.py" or f"`{name}`" in bullet, f"README layout does not name {module}"
    for mentioned in regex.findall(r"`(aligner/[\w/]+\.py)`", layout):
        assert (ROOT / mentioned).is_file(), f"README layout names {mentioned}, which does not exist"
    for bullet in bullets:  # every module a folder's bullet names is in that folder
        folder = regex.match(r"`(aligner/\w+/)`", bullet)
        for name in regex.findall(r"`(\w+\.py)`", bullet) if folder else ():
            assert (ROOT / folder.group(1) / name).is_file(), f"README layout names {folder.group(1)}{name}"
        assert regex.match(r"`[^`]+`: \S", bullet), f"a layout bullet says what it owns: {bullet[:60]}"


def test_the_api_section_names_only_public_names() -> None:
    api = _section("Python API")
    for name in regex.findall(r"aligner\.(\w+)\(", api):
        assert name in aligner.__all__, name
