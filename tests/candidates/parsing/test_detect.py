"""The bytes decide what a file is; a name that lies is refused, harmless differences are not."""

from __future__ import annotations

import pytest

from candidates.parsing import ParseError, detect_kind, extract

from . import documents as docs

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.mark.parametrize(
    ("data_factory", "filename", "kind"),
    [
        (docs.pdf_single_column, "cv.pdf", "pdf"),
        (docs.docx_resume, "cv.docx", "docx"),
        (docs.rtf_resume, "cv.rtf", "rtf"),
        (docs.html_resume, "cv.html", "html"),
        (docs.png_scan, "cv.png", "image"),
        (lambda: docs.RESUME_TEXT.encode(), "cv.txt", "text"),
        (lambda: docs.RESUME_TEXT.encode(), "cv.md", "text"),
        (lambda: docs.RESUME_TEXT.encode("utf-16"), "cv.txt", "text"),
    ],
)
def test_it_recognises_each_supported_format_by_its_bytes(data_factory, filename, kind):
    assert detect_kind(data_factory(), filename) == kind


@pytest.mark.parametrize(
    ("data_factory", "filename"),
    [
        (lambda: docs.zip_of({"a.txt": b"hello"}), "resume.pdf"),
        (lambda: EXE, "resume.pdf"),
        (lambda: EXE, "resume.docx"),
        (docs.pdf_single_column, "resume.docx"),
        (docs.png_scan, "resume.pdf"),
        (docs.pdf_single_column, "resume.txt"),
        (docs.docx_resume, "resume.pdf"),
    ],
)
def test_it_refuses_an_extension_that_lies_about_the_content(data_factory, filename):
    with pytest.raises(ParseError) as caught:
        extract(data_factory(), filename)
    assert caught.value.code == "type_mismatch"
    assert filename.rsplit(".", 1)[1] in caught.value.message


def test_the_mismatch_message_says_what_the_file_really_is():
    with pytest.raises(ParseError) as caught:
        extract(EXE, "resume.pdf")
    assert "program" in caught.value.message


@pytest.mark.parametrize(
    ("data_factory", "filename", "kind"),
    [
        (docs.html_resume, "resume.txt", "text"),  # HTML saved as .txt is still readable text
        (lambda: docs.RESUME_TEXT.encode(), "resume.html", "html"),
        (lambda: docs.RESUME_TEXT.encode(), "resume.htm", "html"),
        (docs.rtf_resume, "resume.doc", "rtf"),  # Word saves RTF under .doc
        (docs.docx_resume, "resume.doc", "docx"),
        (docs.png_scan, "resume.jpg", "image"),  # any image is an image
        (docs.pdf_single_column, "resume", "pdf"),  # no extension: trust the bytes
    ],
)
def test_it_accepts_harmless_differences_between_name_and_content(data_factory, filename, kind):
    assert detect_kind(data_factory(), filename) == kind


def test_it_explains_that_old_word_files_are_not_supported():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ParseError) as caught:
        extract(ole, "resume.doc")
    assert caught.value.code == "unsupported"
    assert ".docx" in caught.value.message


def test_it_refuses_an_unknown_binary_with_no_extension():
    with pytest.raises(ParseError) as caught:
        extract(bytes(range(256)) * 8, "mystery")
    assert caught.value.code == "unsupported"
    assert "PDF, Word (.docx)" in caught.value.message
