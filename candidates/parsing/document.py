"""Value types shared by every parser: the result of a parse and the limits that bound it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

_WORD = re.compile(r"[^\W_]{2,}|\d+", re.UNICODE)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits, punctuation ignored."""
    return sum(1 for _ in _WORD.finditer(text))


@dataclass
class ParsedDocument:
    text: str
    kind: str  # "pdf", "docx", "image", "rtf", "text", "html"
    pages: int = 1
    ocr_used: bool = False
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    # The day the file says it was last saved ("2023-05-14"; its own metadata, "" when it says
    # nothing): a resume's "Present" means then, not the day it is read.
    written: str = ""

    @property
    def word_count(self) -> int:
        return word_count(self.text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedDocument:
        return cls(
            text=str(data["text"]),
            kind=str(data["kind"]),
            pages=int(data.get("pages", 1)),
            ocr_used=bool(data.get("ocr_used", False)),
            warnings=[str(w) for w in data.get("warnings", [])],
            encoding=data.get("encoding"),
            written=str(data.get("written") or ""),
        )


_PDF_DATE = re.compile(r"(?:D:)?((?:19|20)\d\d)(\d\d)(\d\d)")


def written_day(value: Any) -> str:
    """An ISO day from a file's own date stamp (a datetime, or a PDF date "D:20210815..."), or
    "" when there is none or it is no real day."""
    if isinstance(value, date):  # a datetime too
        year, month, day = value.year, value.month, value.day
    else:
        match = _PDF_DATE.match(str(value or "").strip())
        if not match:
            return ""
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat() if year >= 1990 else ""
    except ValueError:
        return ""


def written_date(day: str) -> date | None:
    """`ParsedDocument.written` as a date (None when the file gave none)."""
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None


MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what one upload may cost us. Intake fills these from settings."""

    max_file_bytes: int = 10 * MB
    max_files: int = 200
    max_batch_bytes: int = 100 * MB
    # Uncompressed / compressed size of one ZIP member. Text compresses about 10:1 and DOCX
    # members rarely beyond 30:1; a bomb is in the thousands.
    max_compression_ratio: float = 100.0
    max_pdf_pages: int = 50
    max_ocr_pages: int = 10
    # Pillow's own guard trips at ~179 megapixels; a resume scan at 300 dpi is ~9.
    max_image_pixels: int = 60_000_000
    min_words: int = 30
    # Text kept from one document: about 50 dense pages, the PDF page cap. A 10 MB text file
    # would otherwise become 40,000 chunks to embed, past the task's time limit on every try.
    max_text_chars: int = 200_000

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
