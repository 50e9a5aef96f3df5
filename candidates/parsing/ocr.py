"""Text recognition for scans and photos: Debian's tesseract-ocr through pytesseract."""

from __future__ import annotations

import io
import os
import shutil
import warnings

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from .document import Limits, ParsedDocument
from .errors import ParseError

# Tesseract spreads one page over every core with OpenMP; on a small worker several parses run
# side by side, so one thread each is faster overall and keeps memory flat.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANGUAGES = os.environ.get("TESSERACT_LANGUAGES", "eng")
NEEDS_OCR = (
    "This file is a scan or a picture, so its text must be recognised (OCR), but the OCR engine "
    "(tesseract) is not installed on this server. Upload a text-based PDF or Word file, or ask "
    "your administrator to install tesseract-ocr."
)


def tesseract_available() -> bool:
    return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None


def _prepare(image):
    image = ImageOps.exif_transpose(image)
    image = image.convert("L")
    # Tesseract wants ~30 px tall capitals; small screenshots and photos are scaled up first.
    if image.width < 1200:
        factor = 1200 / max(image.width, 1)
        image = image.resize((int(image.width * factor), int(image.height * factor)))
    return image


def ocr_image(image, *, limits: Limits) -> str:
    if not tesseract_available():
        raise ParseError("needs_ocr", NEEDS_OCR)
    if image.width * image.height > limits.max_image_pixels:
        raise ParseError(
            "too_large",
            f"This image is too large to read ({image.width} x {image.height} pixels). Scan it "
            "at 300 dpi or less and upload it again.",
        )
    try:
        text = pytesseract.image_to_string(_prepare(image), lang=LANGUAGES)
    except pytesseract.TesseractNotFoundError as exc:
        raise ParseError("needs_ocr", NEEDS_OCR) from exc
    except pytesseract.TesseractError as exc:
        raise ParseError("corrupt", "Text recognition could not read this image.") from exc
    return str(text).strip()


def extract_image(data: bytes, *, ocr: bool, limits: Limits) -> ParsedDocument:
    if not ocr:
        raise ParseError(
            "needs_ocr", "This file is a picture; its text needs recognition (OCR), turned off."
        )
    if not tesseract_available():
        raise ParseError("needs_ocr", NEEDS_OCR)
    # Our limit, not Pillow's default, decides what is a bomb.
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its two bomb thresholds; for us that is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ParseError(
            "too_large", "This image has too many pixels to read. Scan it at 300 dpi or less."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ParseError("corrupt", "This image is damaged and cannot be opened.") from exc
    # Refuse decompression bombs by their header, before decoding a single pixel.
    if image.width * image.height > limits.max_image_pixels:
        raise ParseError(
            "too_large",
            f"This image is too large to read ({image.width} x {image.height} pixels). Scan it "
            "at 300 dpi or less and upload it again.",
        )
    frames = getattr(image, "n_frames", 1)
    texts = []
    notes: list[str] = []
    try:
        for index in range(min(frames, limits.max_ocr_pages)):
            image.seek(index)
            image.load()
            texts.append(ocr_image(image.copy(), limits=limits))
    except Image.DecompressionBombError as exc:
        raise ParseError("too_large", "This image has too many pixels to read.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ParseError("corrupt", "This image is damaged and cannot be read.") from exc
    if frames > limits.max_ocr_pages:
        notes.append(f"Only the first {limits.max_ocr_pages} of {frames} pages were read.")
    return ParsedDocument(
        text="\n\n".join(t for t in texts if t),
        kind="image",
        pages=frames,
        ocr_used=True,
        warnings=notes,
    )
