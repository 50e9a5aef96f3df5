"""What a file really is, from its bytes, and whether its name agrees.

The extension is only a claim. We sniff signatures ourselves (exact and cheap) and ask libmagic
only to describe an unexpected file in the error message.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from .errors import MESSAGES, ParseError

IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
ARCHIVE_SIGNATURES: tuple[bytes, ...] = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# Extension -> the family the name claims.
EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".doc": "doc",
    ".rtf": "rtf",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".jpe": "image",
    ".tif": "image",
    ".tiff": "image",
    ".gif": "image",
    ".webp": "image",
    ".bmp": "image",
}
SUPPORTED_KINDS = frozenset({"pdf", "docx", "rtf", "text", "html", "image"})
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<title")

# For messages: what a recruiter calls each sniffed content.
_CONTENT_NAMES = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "rtf": "an RTF document",
    "text": "plain text",
    "html": "a web page",
    "image": "an image",
    "zip": "a ZIP archive",
    "archive": "a compressed archive",
    "office": "another Office document (spreadsheet or presentation)",
    "ole": "an old-format Office file (.doc/.xls)",
    "executable": "a program",
    "binary": "binary data of an unknown kind",
}


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "zip"  # a damaged ZIP is still not a document
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith(("xl/", "ppt/")) for n in names) or "mimetype" in names:
        return "office"
    return "zip"


def _looks_like_text(sample: bytes) -> bool:
    if not sample:
        return False
    if sample.startswith(BOMS) or sample.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        return True
    nuls = sample.count(b"\x00")
    if nuls:
        # UTF-16 without a BOM: every other byte of ASCII-range text is NUL.
        even = sample[0::2].count(b"\x00")
        odd = sample[1::2].count(b"\x00")
        half = len(sample) // 2 or 1
        return max(even, odd) / half > 0.7 and min(even, odd) / half < 0.1
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) < 0.02


def sniff(data: bytes) -> str:
    """The content family from signatures alone: one of the keys of _CONTENT_NAMES, or "empty"."""
    if not data.strip():
        return "empty"
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(data)
    for signature, _ in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return "image"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image"
    if data.startswith(OLE_SIGNATURE):
        return "ole"
    if data.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        return "executable"
    if data.startswith(ARCHIVE_SIGNATURES):
        return "archive"
    stripped = data.lstrip(b"".join(BOMS) + b" \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    sample = data[:8192]
    if _looks_like_text(sample):
        if data.startswith(b"BM") and len(data) > 26 and b"\x00" in data[:14]:
            return "image"  # BMP
        lowered = sample.lower().replace(b"\x00", b"")
        if any(marker in lowered for marker in _HTML_MARKERS):
            return "html"
        return "text"
    if data.startswith(b"BM"):
        return "image"
    return "binary"


def describe(data: bytes) -> str:
    """libmagic's description, for logs and messages; empty when libmagic is unavailable."""
    try:
        # libmagic may be missing on the machine: the import itself is what can fail.
        import magic  # noqa: PLC0415

        # libmagic's first clause ("Targa image data") is plain enough; the rest is detail.
        full = str(magic.from_buffer(data[:65536]))
        return full.split(",")[0].split(" - ")[0].strip()[:60]
    except Exception:  # libmagic missing or confused: a description is only a nicety
        return ""


def _extension(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def _unclaimed(content: str, data: bytes) -> str:
    """A name with no known extension: the bytes decide, for the kinds we read."""
    if content in SUPPORTED_KINDS:
        return content
    if content == "zip":
        raise ParseError(
            "unsupported", "This is a ZIP archive: upload it as a batch, not as one resume."
        )
    if content == "ole":
        raise ParseError(
            "unsupported",
            "This is an old-format Word file (.doc). Save it as .docx or PDF and upload it.",
        )
    what = describe(data)
    message = MESSAGES["unsupported"]
    raise ParseError("unsupported", f"{message} (It looks like: {what}.)" if what else message)


def _claimed(claimed: str, content: str, mismatch: Callable[[], ParseError]) -> str:
    """The extension names a kind: the bytes must agree, give or take what editors do."""
    if claimed == "doc":
        # Word happily saves RTF and DOCX under a .doc name; only the old binary format is refused.
        if content in ("docx", "rtf"):
            return content
        if content == "ole":
            raise ParseError(
                "unsupported",
                "Old-format Word files (.doc) are not supported. Save it as .docx or PDF and "
                "upload it again.",
            )
        raise mismatch()
    if claimed == "text":
        # A .txt or .md is plain text in any encoding; HTML or RTF saved under .txt is still text.
        if content in ("text", "html"):
            return "text"
        if content == "rtf":
            return "rtf"
        raise mismatch()
    if claimed == "html":
        if content in ("html", "text"):
            return "html"
        raise mismatch()
    if claimed == "rtf":
        if content in ("rtf", "text"):
            return content
        raise mismatch()
    if claimed == content:
        return content
    if claimed == "docx" and content == "ole":
        raise ParseError(
            "type_mismatch",
            "This is an old-format Word file (.doc) renamed to .docx. Open it in Word, save it as "
            ".docx or PDF and upload it again.",
        )
    raise mismatch()


def detect_kind(data: bytes, filename: str = "") -> str:
    """The parser to use: "pdf", "docx", "rtf", "text", "html" or "image".

    Raises ParseError("type_mismatch") when the extension claims a format the bytes are not,
    "unsupported" for formats we do not read, and "no_text" for an empty file.
    """
    content = sniff(data)
    ext = _extension(filename)
    claimed = EXTENSIONS.get(ext)
    label = ext or "this name"

    if content == "empty":
        raise ParseError("no_text", "This file is empty.")

    def mismatch() -> ParseError:
        what = _CONTENT_NAMES.get(content, "something else")
        return ParseError(
            "type_mismatch",
            f"The file is named {label} but it is {what}. Re-save it in its real format and "
            "upload it again.",
        )

    if content == "executable":
        if claimed:
            raise mismatch()
        raise ParseError("unsupported", "This file is a program, not a document.")

    if claimed is None:
        return _unclaimed(content, data)
    return _claimed(claimed, content, mismatch)
