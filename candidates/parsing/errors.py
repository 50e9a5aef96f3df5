"""The one exception parsing raises: a stable code for programs and a sentence for people."""

from __future__ import annotations

# Default wording per code. Callers may pass a more specific message; these are what a recruiter
# reads when nothing more precise is known, so each says what happened and what to do about it.
MESSAGES: dict[str, str] = {
    "encrypted": "This file is password-protected. Remove the password and upload it again.",
    "corrupt": "This file is damaged and cannot be opened. Export it again and re-upload it.",
    "unsupported": (
        "This file type is not supported. Upload a PDF, Word (.docx), RTF, text, HTML or an "
        "image (PNG, JPEG, TIFF)."
    ),
    "type_mismatch": (
        "The file's name says one type but its content is another. Re-save the file in its "
        "real format and upload it again."
    ),
    "no_text": (
        "No readable text: the document holds fewer than 30 words. Check that it is the right "
        "file and not an empty template."
    ),
    "needs_ocr": (
        "This file is a scan or a picture and needs text recognition (OCR), which is not "
        "available right now."
    ),
    "too_large": "This file is larger than the upload limit.",
    "too_complex": (
        "This file needed more memory than we allow for one document. Simplify or re-export it "
        "(for example 'Save as PDF' with smaller images) and upload it again."
    ),
    "timeout": (
        "Reading this file took too long and was stopped. Re-export it (for example as a "
        "text-based PDF) and upload it again."
    ),
    "crashed": (
        "This file made our reader fail. It may be damaged or deliberately malformed; export it "
        "again and re-upload it."
    ),
    "zip_bomb": (
        "This ZIP expands to far more data than it holds, a pattern used by malicious archives, "
        "so it was not opened."
    ),
    "nested_archive": "Archives inside a ZIP are not opened. Extract them and upload the files.",
    "unsafe_name": "This ZIP entry has an unsafe name (absolute path or '..') and was skipped.",
}


class ParseError(Exception):
    """A document could not be turned into text. `code` is stable; `message` is for a recruiter."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES.get(code, "This file could not be read.")
        super().__init__(f"{code}: {self.message}")

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, str]]:
        # Celery and multiprocessing pickle exceptions; keep both fields across the trip.
        return (ParseError, (self.code, self.message))
