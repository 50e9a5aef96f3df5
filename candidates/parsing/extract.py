"""One entry point: bytes and a file name in, text or a ParseError with a reason out."""

from __future__ import annotations

import re
import unicodedata

import ftfy

from .detect import detect_kind
from .document import Limits, ParsedDocument, word_count
from .errors import ParseError
from .split_words import rejoin_split_words

DEFAULT_LIMITS = Limits()


def mend(text: str) -> str:
    """Text decoded in the wrong encoding before it became a PDF, mended: resumes exported from
    web pages that read UTF-8 as Latin-1 carry the mojibake into their own text layer
    ("borrowerâ€™s", "Company Name â€“ City"). Ligatures and full-width letters are mended with
    it; curly quotes stay as the resume wrote them.

    A no-break space so garbled is "Â" and the space; where the page lost the space (at a line's
    end, mostly) ftfy cannot tell the "Â" left behind from a letter. No word ends in a capital Â
    or has one after a small letter or before a capitalised word, so such an "Â" was a space
    ("TaxesÂ", "accountÂanalysis", "Integration ÂTechnology"); "Ângelo" and "CHÂTEAU" keep theirs.
    """
    text = ftfy.fix_text(text, uncurl_quotes=False, normalization=None)
    return _LOST_SPACE.sub(" ", text)


_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
# Bullets drawn in a symbol font (Wingdings, Symbol) whose PDF maps no character to them come
# out as the letter at the glyph's code: Wingdings' filled circle is "l", its squares "n" and
# "q", its diamond "v", its arrowhead "Ø", its tick "ü", its small square "§". At a line's start,
# alone and before a capital, none of them is a word ("l Priced merchandise"), nor are the last
# four anywhere alone before a capital (two columns read as one line: "removal q MCSA"); left
# in, they put a stray letter in evidence lines.
_SYMBOL_FONT_BULLET = re.compile(r"^[lnqvØü§](?= +[A-Z])|(?<= )[qØü§](?= +[A-Z])", re.MULTILINE)
_LOST_SPACE = re.compile(r"\u00c2(?![^\W\d_])|(?<=[a-z\u00df-\u00ff])\u00c2|\u00c2(?=[A-Z][a-z])")


# A character of three UTF-8 bytes read as Windows-1252 ("â" or "ï" and one more letter), whose
# last byte that code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) was dropped, or drawn
# as a zero-width space: "Company Name ï¼ City" (a full-width dash), "â— Managed" (a bullet). The
# lost byte could be any of five, so ftfy cannot mend it; on these pages it is punctuation or a
# bullet, so it reads as a space. Found before a space, a line's end, the "Â" of a garbled
# no-break space or another such character ("â—Â Processed", "Financials â—â—"), or at a
# line's start before a capital ("â—Process Improvement"): "â" and "ï" with such a letter
# inside a word is the mojibake ftfy mends, or a word.
_CP1252_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_LOST_LAST_BYTE = re.compile(
    "[\u00e2\u00ef]["
    + re.escape(_CP1252_CONTINUATION)
    + "](?:\u200b|(?=[\\s\u00c2\u00e2\u00ef]|$))|(?m:^)[\u00e2\u00ef]["
    + re.escape(_CP1252_CONTINUATION)
    + "](?=[A-Z])"
)
# Between two small letters the lost byte is a hyphen's (U+2010, 0x90): "selfâ€starter",
# "multiâ€channel".
_LOST_HYPHEN = re.compile("(?<=[a-z])\u00e2\u20ac(?=[a-z])")


# A symbol of three UTF-8 bytes read as Windows-1252 whole, which ftfy 6 declines to mend
# ("Summary â—† Project", "â—¦ Using", "Wavesâ„¢"): "â" and two more characters are no word in
# any language these resumes are written in. Symbol fonts' private-use bullets (U+F0A7 and U+F0B7,
# garbled "\u00ef\u201a\u00a7") are drawn as a bullet.
_GARBLED_SYMBOL = re.compile("[\u00e2\u00ef][" + re.escape(_CP1252_CONTINUATION) + "]{2}")
# "—" garbled twice: its three characters' own bytes read as Windows-1252 again, the last of
# them ("”", 0x9D) lost. ftfy mends the first two to "â€" and leaves "â€â€"; no other
# character ends that way, so it is the dash ("(1995â€â€2003)", "departmentâ€â€developed" as
# ftfy leaves them).
_TWICE_GARBLED_EM_DASH = re.compile(
    "\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u20ac(?![" + re.escape(_CP1252_CONTINUATION) + "])"
)
# "â€" with its last byte lost, after an opening quote on the same line, is the closing quote
# (0x9D): "“Thank You Award.â€Designed", "“Check Checkâ€,". Other lost bytes there would be
# spaces of a typesetter's width or a hyphen, none of which closes a quotation.
_LOST_CLOSING_QUOTE = re.compile(
    "((?:\u201c|\u00e2\u20ac\u0153)(?:(?!\u00e2\u20ac(?!["
    + re.escape(_CP1252_CONTINUATION)
    + "]))[^\n\u201c\u201d])*)\u00e2\u20ac(?!["
    + re.escape(_CP1252_CONTINUATION)
    + "])"
)
# The PDF dropped a soft hyphen it did not draw from "í" (0xC3 0xAD): "TÃtulo", "polÃtica",
# "RÃo". The other letters that would leave a lone "Ã" are capitals, and no word has a capital
# "Ã" between a letter and a small one.
_LOST_SOFT_HYPHEN = re.compile(r"(?<=[^\W\d_])\u00c3(?=[a-z\u00df-\u00ff])")
# "ﬁ" (0xEF 0xAC 0x81) lost its last byte: "the ï¬lm industry". No other ligature ends in
# a byte Windows-1252 leaves undefined.
_LOST_FI_LIGATURE = re.compile("\u00ef\u00ac(?=[a-z])")


# A resume builder's instructions to the person filling it in, left in the PDF it made:
# "Enter outstanding achievements that show you can go above and beyond basic job expectations.
# See Examples". Read, they were the candidate's accomplishments.
_BUILDER_INSTRUCTIONS = re.compile(
    "(?i) *(?:"
    + "|".join(
        r"\s+".join(map(re.escape, sentence.split()))
        for sentence in (
            "Enter outstanding achievements that show you can go above and beyond basic job "
            "expectations.",
            "Enter any professional organizations that you are involved in.",
        )
    )
    + r")(?:\s*See Examples\b)? *"
)
# The builder's suggested sentences carry blanks in brackets for the writer to fill ("Managed a
# $ [Amount] annual budget that grew [Number] % in [Number] years", "Registered Nurse in
# [State]"). Only the builder's own names for a blank count: writers who did fill one often
# kept its brackets ("[80] calls per day", "[World History]"), and brackets hold real names
# too ("[MCP]", "[ESLSCA]").
_BLANK = re.compile(
    r"(?i)\[\s*(?:"
    r"number|amount|dollar amount|\$|x%|%"
    r"|(?:job|company|department|school|student club|club|scholarship|course|award|audit"
    r"|foundation|organization|program|project|product|campaign|initiative|publication|show"
    r"|state) name"
    r"|job title(?: \d)?|name(?: of [^\]]+)?|[a-z]+ type|type(?: of [^\]]+)?"
    r"|year(?: to present)?|month, year|week/month/year|time ?period|timeframe"
    r"|positive outcome|results?|issue(?: description)?"
    r"|(?:organizational |revenue or departmental )?objective|goal|actions?(?: taken)?|task"
    r"|operation|project|program(?: or process)?|initiative|topic|subject|(?:business )?area"
    r"|areas of expertise|describe [^\]]+|skill set(?: \d)?|fields|industry"
    r"|software(?: program)?|website|url|email|aggregator|source|group|tools|equipment"
    r"|(?:types of )?machines(?:/| or )systems|departments, clients(?:, management)?"
    r"|groups, plans, events|(?:other )?languages?|state|city|medium|products"
    r"|product or service|example|level of management|compliance activity"
    r"|(?:engineering|curriculum) focus|systems and program areas|activities|techniques"
    r"|process, initiative"
    r")\s*\]"
)
# Where one sentence ends and the next begins, also where the page lost the space between them
# ("locations.Monitored").
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])(?:\s+|(?=[A-Z]))|\s*\u2022\s*")
# Signs that the page ran two items into one line, one of them the writer's own: a blank or a
# word glued to the word before it ("Information Technology[Number] GPA", "Industrial
# TechnologyCoursework in [Course Name]"), a date ("Bachelor of Arts 2010 ... Member of [Club
# Name] Club", "President 12/1998 to Current"), a new item after a blank ("Excel in [areas of
# expertise] Contract auditing").
_RUN_TOGETHER = re.compile(
    r"[^\W_]\[|[a-z][A-Z][a-z]|(?<!\d)(?:19|20)\d\d(?!\d)|\] [A-Z][a-z]+ [a-z]"
)
# A line that starts inside a sentence is the rest of one begun on the line above.
_SENTENCE_START = re.compile(r"[^\w\[$]*[\[$A-Z0-9]")


def _is_template_line(line: str) -> bool:
    if not _BLANK.search(line) or _RUN_TOGETHER.search(line) or not _SENTENCE_START.match(line):
        return False
    pieces = [p for p in _SENTENCE_BREAK.split(line) if any(c.isalnum() for c in p)]
    return all(_BLANK.search(p) for p in pieces)


def drop_template_text(text: str) -> str:
    """The text without a resume builder's instructions and without the lines that are only its
    unfilled suggestions: a line goes when it starts a sentence and every sentence on it holds a
    blank. A line that also holds words of the writer's own stays whole, so does the rest of a
    sentence begun on the line above, and so does every line of a resume written without a
    builder."""
    text = _BUILDER_INSTRUCTIONS.sub("", text)
    if "[" not in text:
        return text
    return "\n".join(line for line in text.split("\n") if not _is_template_line(line))


def _symbol(garbled: re.Match[str]) -> str:
    try:
        char = garbled[0].encode("cp1252").decode("utf-8")
    except UnicodeError:
        return garbled[0]
    if "\uf000" <= char <= "\uf0ff":
        return "\u2022"
    if "\u2000" <= char <= "\u2bff" or "\ufb00" <= char <= "\ufb06":
        return char
    return garbled[0]


def _normalise(text: str) -> str:
    text = _TWICE_GARBLED_EM_DASH.sub("\u2014", text)
    text = _LOST_CLOSING_QUOTE.sub("\\1\u201d", text)
    text = _LOST_LAST_BYTE.sub(" ", text)
    text = _LOST_HYPHEN.sub("-", text)
    text = mend(text)
    text = _GARBLED_SYMBOL.sub(_symbol, text)
    text = _LOST_SOFT_HYPHEN.sub("\u00ed", text)
    text = _LOST_FI_LIGATURE.sub("fi", text)
    # NFC folds decomposed accents; the rest drops characters that only confuse matching.
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\u200b", "")
    # The PDF reader's marker for the hyphen a page drew at a line's end ("Sarbanes-" over
    # "Oxley"); shown as it stands, it is a box in evidence lines.
    text = text.replace("\ufffe", "-")
    # "(cid:205)": how pdfminer writes a glyph it could not map, left in Word files converted
    # from PDF; it is no text of the resume.
    text = _UNMAPPED_GLYPH.sub("", text)
    text = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f]+", lambda m: "\t" if "\t" in m[0] else " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = _SYMBOL_FONT_BULLET.sub("\u2022", text)
    text = rejoin_split_words(text)
    text = drop_template_text(text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def extract(
    data: bytes, filename: str, *, ocr: bool = True, limits: Limits | None = None
) -> ParsedDocument:
    """The text of one document, whatever its format.

    Raises ParseError with a stable code ("encrypted", "corrupt", "unsupported", "type_mismatch",
    "no_text", "needs_ocr", "too_large") and a message for the recruiter.
    """
    limits = limits or DEFAULT_LIMITS
    if len(data) > limits.max_file_bytes:
        raise ParseError(
            "too_large",
            f"This file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{limits.max_file_bytes / 1_048_576:.0f} MB a file.",
        )
    kind = detect_kind(data, filename)
    try:
        document = _parse(kind, data, ocr=ocr, limits=limits)
    except RecursionError as exc:
        # Thousands of nested elements (HTML, XML) exhaust the parser's stack: hostile or broken.
        raise ParseError(
            "too_complex", "This file is nested too deeply to read. Re-save it and upload again."
        ) from exc
    document.text = _normalise(document.text)
    if len(document.text) > limits.max_text_chars:
        kept = document.text.rfind("\n", 0, limits.max_text_chars)
        document.text = document.text[: kept if kept > 0 else limits.max_text_chars].rstrip()
        document.warnings.append(
            f"This document holds more text than a resume; only its first "
            f"{limits.max_text_chars:,} characters were read."
        )
    words = word_count(document.text)
    if words < limits.min_words:
        if document.ocr_used:
            raise ParseError(
                "no_text",
                f"No readable text: text recognition found only {_count(words, 'word')} in "
                "this scan. Upload a sharper scan (300 dpi) or a text-based file.",
            )
        raise ParseError(
            "no_text",
            f"No readable text: this document holds only {_count(words, 'word')}. Check that "
            "it is the right file and not an empty template.",
        )
    return document


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _parse(kind: str, data: bytes, *, ocr: bool, limits: Limits) -> ParsedDocument:
    # Each reader and its libraries load only for a file of its kind: the sandboxed child that
    # reads one file stays small and starts quickly.
    if kind == "pdf":
        from .pdf import extract_pdf  # noqa: PLC0415

        return extract_pdf(data, ocr=ocr, limits=limits)
    if kind == "docx":
        from .word import extract_docx  # noqa: PLC0415

        return extract_docx(data)
    if kind == "image":
        from .ocr import extract_image  # noqa: PLC0415

        return extract_image(data, ocr=ocr, limits=limits)
    if kind == "rtf":
        from .text import extract_rtf  # noqa: PLC0415

        return extract_rtf(data)
    if kind == "html":
        from .text import extract_html  # noqa: PLC0415

        return extract_html(data)
    from .text import extract_text  # noqa: PLC0415

    return extract_text(data)
