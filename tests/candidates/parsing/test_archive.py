"""ZIP batches: limits checked before inflating, and one bad member fails alone."""

from __future__ import annotations

import pytest

from candidates.parsing import Limits, ParseError
from candidates.parsing.archive import ZipMember, ZipRejection, iter_zip_members

from . import documents as docs


def _outcomes(data: bytes, limits: Limits | None = None) -> dict[str, ZipMember | ZipRejection]:
    return {item.name: item for item in iter_zip_members(data, limits=limits or Limits())}


def test_it_yields_every_good_member_with_its_bytes():
    pdf = docs.pdf_single_column()
    outcomes = _outcomes(docs.zip_of({"a/keller.pdf": pdf, "okafor.docx": docs.docx_resume()}))
    assert isinstance(outcomes["a/keller.pdf"], ZipMember)
    assert outcomes["a/keller.pdf"].data == pdf
    assert isinstance(outcomes["okafor.docx"], ZipMember)


def test_it_skips_directories_and_mac_and_windows_clutter():
    data = docs.zip_of(
        {
            "batch/": b"",
            "__MACOSX/batch/._cv.txt": b"junk",
            "batch/.DS_Store": b"junk",
            "batch/Thumbs.db": b"junk",
            "batch/cv.txt": docs.RESUME_TEXT.encode(),
        }
    )
    assert list(_outcomes(data)) == ["batch/cv.txt"]


def test_it_rejects_a_highly_compressible_member_as_a_zip_bomb_without_inflating_it():
    bomb = b"\x00" * 50_000_000  # deflates to ~50 KB, a ratio near 1000:1
    data = docs.zip_of({"cv.txt": docs.RESUME_TEXT.encode(), "bomb.txt": bomb})
    outcomes = _outcomes(data, Limits(max_file_bytes=100_000_000, max_batch_bytes=200_000_000))
    assert isinstance(outcomes["cv.txt"], ZipMember)
    rejected = outcomes["bomb.txt"]
    assert isinstance(rejected, ZipRejection)
    assert rejected.code == "zip_bomb"


def test_it_refuses_an_archive_whose_total_uncompressed_size_exceeds_the_batch_limit():
    data = docs.zip_of({f"cv{i}.txt": b"x" * 400_000 for i in range(5)})
    with pytest.raises(ParseError) as caught:
        list(iter_zip_members(data, limits=Limits(max_batch_bytes=1_000_000)))
    assert caught.value.code == "too_large"
    assert "Split" in caught.value.message


def test_it_refuses_an_archive_with_more_members_than_a_batch_may_hold():
    data = docs.zip_of({f"cv{i}.txt": b"resume" for i in range(12)})
    with pytest.raises(ParseError) as caught:
        list(iter_zip_members(data, limits=Limits(max_files=10)))
    assert caught.value.code == "too_large"
    assert "12 files" in caught.value.message


def test_it_rejects_a_member_over_the_per_file_limit_and_keeps_the_others():
    data = docs.zip_of({"big.txt": b"a b c " * 400_000, "cv.txt": docs.RESUME_TEXT.encode()})
    outcomes = _outcomes(data, Limits(max_file_bytes=1_000_000))
    assert outcomes["big.txt"].code == "too_large"
    assert outcomes["big.txt"].size == 2_400_000
    assert isinstance(outcomes["cv.txt"], ZipMember)


def test_it_refuses_nested_archives_by_name_and_by_content():
    inner = docs.zip_of({"cv.txt": docs.RESUME_TEXT.encode()})
    data = docs.zip_of({"more.zip": inner, "disguised.pdf": inner, "cv.txt": b"resume"})
    outcomes = _outcomes(data)
    assert outcomes["more.zip"].code == "nested_archive"
    assert outcomes["disguised.pdf"].code == "nested_archive"
    assert isinstance(outcomes["cv.txt"], ZipMember)


def test_a_docx_inside_a_zip_is_a_document_not_a_nested_archive():
    outcomes = _outcomes(docs.zip_of({"okafor.docx": docs.docx_resume()}))
    assert isinstance(outcomes["okafor.docx"], ZipMember)


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/evil.txt", "/etc/passwd", "C:/Windows/evil.txt", "a/../../b.txt"]
)
def test_it_rejects_path_traversal_and_absolute_member_names(name):
    data = docs.zip_with_raw_names([(name, b"payload"), ("cv.txt", b"resume")])
    outcomes = _outcomes(data)
    assert outcomes[name].code == "unsafe_name"
    assert isinstance(outcomes["cv.txt"], ZipMember)


def test_it_rejects_symbolic_links():
    outcomes = _outcomes(docs.zip_with_symlink("cv.txt", "/etc/shadow"))
    assert outcomes["cv.txt"].code == "unsafe_name"


def test_it_rejects_password_protected_members():
    outcomes = _outcomes(docs.zip_with_encrypted_flag("cv.txt", docs.RESUME_TEXT.encode()))
    assert outcomes["cv.txt"].code == "encrypted"


def test_it_refuses_entries_that_share_their_compressed_bytes():
    with pytest.raises(ParseError) as caught:
        list(iter_zip_members(docs.zip_overlapping_bomb(), limits=Limits()))
    assert caught.value.code == "zip_bomb"


def test_it_calls_a_damaged_zip_corrupt():
    with pytest.raises(ParseError) as caught:
        list(iter_zip_members(b"PK\x03\x04 this is not really a zip", limits=Limits()))
    assert caught.value.code == "corrupt"


def test_a_member_whose_bytes_fail_their_checksum_fails_alone():
    data = bytearray(docs.zip_of({"a.txt": b"first " * 100, "b.txt": b"second " * 100}))
    # Flip a byte inside the first member's compressed data.
    start = data.find(b"a.txt") + len("a.txt") + 4
    data[start] ^= 0xFF
    outcomes = _outcomes(bytes(data))
    assert isinstance(outcomes["a.txt"], ZipRejection)
    assert outcomes["a.txt"].code == "corrupt"
    assert isinstance(outcomes["b.txt"], ZipMember)
