"""Reading witnesses: encodings, newlines, form feeds, and refusals with one clear message."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from aligner.errors import DecodeError, InputError
from aligner.witness import decode, read_witness, siglum_for

from .conftest import PDF

TEXT = "国家人权行动计划\n第二段 2021－2025年。\f第三页\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.replace("－", "-").encode("gbk"), "gb18030"),
    ],
)
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    text, found = decode(data)
    assert found == encoding
    assert text.replace("-", "－") == TEXT


def test_newlines_become_lf_and_form_feeds_stay() -> None:
    text, _ = decode(b"a\r\nb\rc\fd")
    assert text == "a\nb\nc\fd"


def test_seed_reads_as_utf8() -> None:
    witness = read_witness(PDF)
    assert witness.encoding == "utf-8"
    assert witness.siglum == "pdf"
    assert len(witness.sha256) == 64


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary\x00", "binary data"),
        (b"\x81\x30\xff\xfe\x00\x00", "binary"),
        (b"   \n\n", "empty"),
        (b"", "empty"),
        (b"caf\xe9 \x80\x81\x82 \x07\x08", "binary data"),  # two control bytes in fourteen
        ("国家人权行动计划".encode() * 3 + b"\xff\xfe\xfd" + "第二段".encode(), "undecodable bytes at offset 72"),
    ],
)
def test_bad_files_are_refused_with_the_file_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_witness(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_witness(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="folder"):
        read_witness(tmp_path)


def test_undecodable_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode(b"\xff\xff\x07\x08" * 10)


def test_sigla_are_ncnames() -> None:
    assert siglum_for("corpora/x/web.txt") == "web"
    assert siglum_for("2021 edition.txt") == "w-2021-edition"
