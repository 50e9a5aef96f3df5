"""PDF text in reading order with pypdfium2 (Apache/BSD; PyMuPDF's AGPL does not fit a SaaS).

PDFium gives text segments with their boxes. Resumes often set a sidebar beside the main column;
read line by line, such a page interleaves the two. We look for a vertical gap that separates
two bodies of text, then read the left column before the right one, keeping any full-width line
(a name across the top, a section rule) at its place.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .document import Limits, ParsedDocument, word_count, written_day
from .errors import ParseError

# A page whose text layer holds fewer characters than this is treated as a scan.
MIN_PAGE_CHARS = 20


@dataclass(frozen=True)
class Segment:
    left: float
    bottom: float
    right: float
    top: float
    text: str

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _open(data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError(
                "encrypted",
                "This PDF is password-protected. Remove the password and upload it again.",
            ) from exc
        raise ParseError(
            "corrupt",
            "This PDF is damaged and cannot be opened. Export it again and re-upload it.",
        ) from exc


def _char(textpage, index: int) -> str:
    """The character at `index` exactly as `textpage.get_text_range(index, 1)` reads it."""
    if pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, index) == -1:
        return ""  # a character PDFium leaves out of the page's text
    code = pdfium_c.FPDFText_GetUnicode(textpage, index)
    if code == 2:
        return "\ufffe"  # how PDFium's text view spells its soft-hyphen marker
    return "" if 0xD800 <= code <= 0xDFFF else chr(code)


GlyphKind = tuple[str, int, int]  # character, box width and height: one letter of one font
# A glyph as read: its loose box (left, bottom, right, top) and kind; spaces and line breaks
# carry no box and are told apart by the character alone.
Glyph = tuple[float, float, float, float, GlyphKind]

# A word break is a gap this much of a letter height wider than the gap usual inside words.
WORD_GAP = 0.09
# Fewer in-word gaps than this after one kind of glyph are too few to trust their median.
MIN_GAP_SAMPLES = 8
_SPACE: Glyph = (0.0, 0.0, 0.0, 0.0, (" ", 0, 0))
_LINE_BREAK: Glyph = (0.0, 0.0, 0.0, 0.0, ("\n", 0, 0))


def _glyphs(textpage) -> list[Glyph]:
    glyphs: list[Glyph] = []
    rect = pdfium_c.FS_RECTF()
    for index in range(textpage.count_chars()):
        char = _char(textpage, index)
        if char in ("\r", "\n", "\x02"):
            glyphs.append(_LINE_BREAK)
        elif not char or char.isspace():
            glyphs.append(_SPACE)
        else:
            # The raw calls, not the helpers: a resume has thousands of characters, and the
            # helpers' per-call buffers and range checks made them most of the time spent
            # reading a PDF.
            pdfium_c.FPDFText_GetLooseCharBox(textpage, index, rect)
            left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
            # In tenths of a point: round() is slower, and this runs for every character.
            kind = (char, int((right - left) * 10 + 0.5), int((top - bottom) * 10 + 0.5))
            glyphs.append((left, bottom, right, top, kind))
    return glyphs


def _in_word_gaps(pages: list[list[Glyph]]) -> dict[GlyphKind, float]:
    """The usual gap after each kind of small letter inside a word, where that gap is an overlap.

    Learnt per document, as the same letter of another font or size overlaps differently, from
    the gaps the fixed rule does not take for a break. Only overlaps are kept: a positive usual
    gap would make breaks rarer than the fixed rule that reads every other PDF well. Capitals are
    left out: their gap within words in capitals and before the small letters of a capitalised
    word differ, and a median of both split "T he" and "A nalytical" in the livecareer PDFs.
    """
    samples: dict[GlyphKind, list[float]] = {}
    for glyphs in pages:
        previous: Glyph | None = None  # the glyph just before, when nothing came between
        for glyph in glyphs:
            left, bottom, _, top, (char, _, _) = glyph
            if char in (" ", "\n"):
                previous = None
                continue
            if previous is not None and previous[4][0].islower():
                height = max(top - bottom, 1.0)
                gap = left - previous[2]
                same_line = abs(top + bottom - previous[1] - previous[3]) < height
                if same_line and -2.0 * height <= gap <= WORD_GAP * height:
                    samples.setdefault(previous[4], []).append(gap)
            previous = glyph
    usual = {kind: median(gaps) for kind, gaps in samples.items() if len(gaps) >= MIN_GAP_SAMPLES}
    return {kind: gap for kind, gap in usual.items() if gap < 0}


def _segments(glyphs: list[Glyph], in_word_gaps: dict[GlyphKind, float]) -> list[Segment]:
    """Runs of characters on one line with no wide gap between them.

    Built from the characters rather than PDFium's text rectangles: pages that place every
    glyph on its own (web pages printed to PDF do) give one rectangle per glyph, overlapping
    its neighbours, so the text read back per rectangle repeats letters ("TR TRA RAC"). The
    same pages also carry no space characters, so a gap wider than a letter's overlap is a
    word break; the loose (font) boxes make that gap reliable. Some glyphs' boxes reach well
    past the next letter ("f" in many fonts: "of" then "accounting" read "ofaccounting"), so
    after them the gap is measured from the one usual inside words.
    """
    segments: list[Segment] = []
    chars: list[str] = []
    box: list[float] = []  # left, bottom, right, top of the run so far
    last_right = 0.0
    last_kind = _SPACE[4]

    def flush() -> None:
        text = " ".join("".join(chars).split())
        if text:
            segments.append(Segment(box[0], box[1], box[2], box[3], text))
        chars.clear()
        box.clear()

    for left, bottom, right, top, kind in glyphs:
        char = kind[0]
        if char == "\n":
            flush()
            continue
        if char == " ":
            if chars:
                chars.append(" ")
            continue
        height = max(top - bottom, 1.0)
        if box:
            run_height = max(box[3] - box[1], 1.0)
            same_line = abs((top + bottom) / 2 - (box[1] + box[3]) / 2) < 0.5 * min(
                height, run_height
            )
            gap = left - last_right
            if not same_line or gap > 1.0 * height or gap < -2.0 * height:
                flush()
            elif gap > in_word_gaps.get(last_kind, 0.0) + WORD_GAP * height and chars[-1] != " ":
                chars.append(" ")
        if box:
            box[0], box[1] = min(box[0], left), min(box[1], bottom)
            box[2], box[3] = max(box[2], right), max(box[3], top)
        else:
            box.extend((left, bottom, right, top))
        chars.append(char)
        last_right = right
        last_kind = kind
    flush()
    return segments


def _find_gap(segments: list[Segment]) -> tuple[float, float] | None:
    """A vertical strip that cuts the page into two real columns, or None."""
    if len(segments) < 8:
        return None
    x_min = min(s.left for s in segments)
    x_max = max(s.right for s in segments)
    width = x_max - x_min
    if width < 100:
        return None
    # Full-width lines (a title across the page) would hide the gap; leave them out of the count.
    narrow = [s for s in segments if s.right - s.left < 0.6 * width]
    covered = bytearray(int(width) + 2)
    for s in narrow:
        for x in range(int(s.left - x_min), min(int(s.right - x_min) + 1, len(covered))):
            covered[x] = 1
    best: tuple[int, int] | None = None
    start = None
    lo, hi = int(0.12 * width), int(0.88 * width)
    for x in range(lo, hi + 1):
        if not covered[x]:
            start = x if start is None else start
            continue
        if start is not None and (best is None or x - start > best[1] - best[0]):
            best = (start, x)
        start = None
    if start is not None and (best is None or hi - start > best[1] - best[0]):
        best = (start, hi)
    if best is None or best[1] - best[0] < 8:
        return None
    gap = (best[0] + x_min, best[1] + x_min)
    left = [s for s in segments if s.right <= gap[0] + 0.5]
    right = [s for s in segments if s.left >= gap[1] - 0.5]
    if len(left) < 4 or len(right) < 4:
        return None
    left_chars = sum(len(s.text) for s in left)
    right_chars = sum(len(s.text) for s in right)
    total = left_chars + right_chars
    if min(left_chars, right_chars) < 0.12 * total:
        return None
    # Right-aligned dates beside job titles also leave a gap, but they are short and each sits on
    # a line of the left side: that is a table-like line, not a second column.
    paired = sum(1 for r in right if any(abs(r.middle - s.middle) < 0.5 * r.height for s in left))
    short = sum(1 for r in right if len(r.text.split()) <= 4)
    if paired >= 0.8 * len(right) and short >= 0.8 * len(right):
        return None
    return gap


def _lines(segments: list[Segment]) -> list[str]:
    """Segments grouped into lines top-down; a blank line where the vertical gap is wide."""
    ordered = sorted(segments, key=lambda s: (-s.top, s.left))
    rows: list[list[Segment]] = []
    for seg in ordered:
        if rows and abs(rows[-1][0].middle - seg.middle) < 0.5 * min(
            rows[-1][0].height, seg.height
        ):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    out: list[str] = []
    previous: Segment | None = None
    for row in rows:
        first = row[0]
        if previous is not None and previous.bottom - first.top > 1.2 * first.height:
            out.append("")
        out.append(" ".join(s.text for s in sorted(row, key=lambda s: s.left)))
        previous = first
    return out


def _reading_order(segments: list[Segment]) -> list[str]:
    gap = _find_gap(segments)
    if gap is None:
        return _lines(segments)
    out: list[str] = []
    run: list[Segment] = []

    def flush() -> None:
        if not run:
            return
        middle = (gap[0] + gap[1]) / 2
        left = [s for s in run if (s.left + s.right) / 2 < middle]
        right = [s for s in run if (s.left + s.right) / 2 >= middle]
        out.extend(_lines(left))
        if left and right:
            out.append("")
        out.extend(_lines(right))
        run.clear()

    for seg in sorted(segments, key=lambda s: -s.top):
        if seg.left < gap[0] and seg.right > gap[1]:
            flush()
            out.append(seg.text)
        else:
            run.append(seg)
    flush()
    return out


def page_texts(data: bytes, *, max_pages: int) -> Iterator[tuple[int, str]]:
    """(page index, text) for each page up to max_pages, text in reading order."""
    pdf = _open(data)
    try:
        pages: list[list[Glyph]] = []
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(_glyphs(textpage))
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()
    # Word breaks are judged against gaps learnt from the whole document, so every page is read
    # before the first one is cut into words.
    in_word_gaps = _in_word_gaps(pages)
    for index, glyphs in enumerate(pages):
        yield index, "\n".join(_reading_order(_segments(glyphs, in_word_gaps))).strip()


def render_page(data: bytes, index: int, *, dpi: int = 300):
    """A page as a PIL image for OCR."""
    pdf = _open(data)
    try:
        page = pdf[index]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil()
        page.close()
        return image
    finally:
        pdf.close()


def extract_pdf(data: bytes, *, ocr: bool, limits: Limits) -> ParsedDocument:
    pdf = _open(data)
    page_count = len(pdf)
    written = _written(pdf)
    pdf.close()
    if page_count == 0:
        raise ParseError("corrupt", "This PDF has no pages.")
    warnings: list[str] = []
    if page_count > limits.max_pdf_pages:
        warnings.append(f"Only the first {limits.max_pdf_pages} of {page_count} pages were read.")

    texts = dict(page_texts(data, max_pages=limits.max_pdf_pages))
    blank = [i for i, t in texts.items() if len(t) < MIN_PAGE_CHARS]
    ocr_used = False
    if blank and (len(blank) == len(texts) or word_count("\n".join(texts.values())) < 30):
        # A scan: no text layer (or one page of stamps). Recognise the blank pages.
        if not ocr:
            raise ParseError(
                "needs_ocr",
                "This PDF is a scan with no text layer and text recognition (OCR) was turned off.",
            )
        # OCR and its libraries load only for a scan.
        from .ocr import ocr_image  # noqa: PLC0415

        todo = blank[: limits.max_ocr_pages]
        if len(blank) > len(todo):
            warnings.append(
                f"Only the first {len(todo)} scanned pages were recognised (OCR); "
                f"{len(blank) - len(todo)} more were skipped."
            )
        for index in todo:
            texts[index] = ocr_image(render_page(data, index), limits=limits)
        ocr_used = True
    text = "\n\n".join(texts[i] for i in sorted(texts) if texts[i])
    return ParsedDocument(
        text=text,
        kind="pdf",
        pages=page_count,
        ocr_used=ocr_used,
        warnings=warnings,
        written=written,
    )


def _written(pdf) -> str:
    for key in ("ModDate", "CreationDate"):
        try:
            day = written_day(pdf.get_metadata_value(key))
        except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
            # A damaged information dictionary (a lone UTF-16 surrogate, say) costs the date,
            # never the text, which may still read.
            continue
        if day:
            return day
    return ""


def extract_pdf_pypdf(data: bytes, *, max_pages: int = 50) -> str:
    """pypdf's plain extraction: the baseline the benchmark compares against."""
    # Only the benchmark reads with pypdf: the product never loads it.
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ParseError("encrypted")
    return "\n\n".join(page.extract_text() or "" for page in reader.pages[:max_pages])
