"""Rule tables: profiles, character classes and spacing rules, all in aligner/rules and nowhere else."""

from __future__ import annotations

import pytest
import regex

from aligner.errors import UsageError
from aligner.rules import PROFILES, detect_profile, get_profile, profile_for_language
from aligner.rules.characters import CJK, NOT_COMPARED, PAGE_NUMBER, is_punctuation
from aligner.rules.spacing import SPACING_RULES, SpacingStyle

from .conftest import PARAS, ROOT

# What a character class or a script table looks like in source: a Unicode property or an
# escaped code point range. Outside rules/ the package may use none of them.
TABLE_MARKS = regex.compile(r"\\p\{(?:Han|Hiragana|Katakana|Hangul|ea=|Latin)|\\u[0-9a-fA-F]{4}-\\u|\\uff[0-9a-f]{2}")


def test_character_classes_and_script_tables_live_only_in_rules() -> None:
    package = ROOT / "aligner"
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(package.rglob("*.py"))
        if "rules" not in path.relative_to(package).parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TABLE_MARKS.search(line) and not line.lstrip().startswith(">>>")
    ]
    assert offenders == []


def test_every_spacing_style_has_its_rules_and_every_rule_a_name() -> None:
    assert set(SPACING_RULES) == set(SpacingStyle)
    for pattern, replacements in SPACING_RULES.values():
        assert set(pattern.groupindex) == set(replacements)
        assert all(rule for _, rule in replacements.values())
    assert {p.spacing for p in PROFILES.values()} <= set(SPACING_RULES)


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("\n".join(PARAS[:20]), "zh"),
        ("學而時習之不亦說乎有朋自遠方來不亦樂乎人不知而不慍不亦君子乎" * 20, "classical"),
        ("This License applies to any program or other work. " * 20, "en"),
    ],
)
def test_the_language_is_detected(text: str, profile: str) -> None:
    assert detect_profile(text).name == profile


def test_manifest_languages_map_to_profiles() -> None:
    assert [profile_for_language(t) for t in ("zh-Hans-CN", "ZH", "lzh", "en-GB", "fr")] == [
        "zh",
        "zh",
        "classical",
        "en",
        None,
    ]
    with pytest.raises(UsageError, match="known profiles: classical, en, zh"):
        get_profile("klingon")


def test_character_classes() -> None:
    assert CJK.match("人") and CJK.match("，") and not CJK.match("a")
    assert NOT_COMPARED.sub("", "人权，发展 。\u3000!") == "人权发展"
    assert [bool(PAGE_NUMBER.match(s)) for s in ("12", "- 12 -", "第 3 页 共 10 页", "Page 3 of 10", "xiv")] == [
        True
    ] * 5
    assert not PAGE_NUMBER.match("2021年")
    assert is_punctuation("，") and is_punctuation("—") and not is_punctuation("人")


def test_every_profile_is_named_described_and_has_structure_rules() -> None:
    for name, profile in PROFILES.items():
        assert profile.name == name and profile.description and profile.language
        assert profile.structure, name
