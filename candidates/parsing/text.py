"""Plain text and Markdown in whatever encoding they came in, RTF, and HTML reduced to its text."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .document import ParsedDocument
from .errors import ParseError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_LATIN_SINGLE_BYTE = frozenset(
    {
        "latin_1", "iso8859_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9",
        "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "cp1250", "cp1252",
        "cp1254", "cp1257", "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "cp850",
        "cp437", "cp775", "cp852", "cp857", "cp858", "cp860", "cp861", "cp863", "cp865",
    }
)  # fmt: skip


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). A BOM decides; then strict UTF-8; then charset-normalizer's best guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: the NULs sit on the high bytes of ASCII letters.
        even_nuls = data[0:4096:2].count(b"\x00")
        odd_nuls = data[1:4096:2].count(b"\x00")
        encoding = "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
        return data.decode(encoding, errors="replace"), encoding

    best = from_bytes(data).best()
    if best is not None:
        encoding = str(best.encoding)
        # Single-byte Latin code pages are hard to tell apart from the bytes alone, and the
        # detector's pick among them is close to a coin toss. Western resumes are far more
        # often cp1252 (Word's curly quotes and dashes live there), so that wins the tie.
        # Cyrillic, Greek and the like are told apart reliably and keep the detector's answer.
        if encoding in _LATIN_SINGLE_BYTE:
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                pass
        return str(best), encoding
    return data.decode("cp1252", errors="replace"), "cp1252"


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def extract_text(data: bytes) -> ParsedDocument:
    text, encoding = decode(data)
    return ParsedDocument(text=_tidy(text), kind="text", encoding=encoding)


def extract_rtf(data: bytes) -> ParsedDocument:
    # striprtf loads only for an RTF file (see child._PRELOAD).
    from striprtf.striprtf import rtf_to_text  # noqa: PLC0415

    raw, encoding = decode(data)
    try:
        text = rtf_to_text(raw, errors="replace")
    except (ValueError, IndexError, UnicodeError, LookupError) as exc:
        raise ParseError("corrupt", "This RTF file is damaged and cannot be read.") from exc
    return ParsedDocument(text=_tidy(text), kind="rtf", encoding=encoding)


# Elements whose text is never content a reader sees.
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "table", "ul", "ol", "dt", "dd", "blockquote", "pre", "hr", "address",
)  # fmt: skip


def _visible_text(soup) -> str:
    """The text a reader sees, with a line break around each block element.

    An explicit stack instead of recursion or tree edits: a hostile page nests tens of thousands
    of elements, which would overflow recursion or make inserting separators quadratic."""
    # bs4 loads only for an HTML file (see child._PRELOAD).
    from bs4 import NavigableString, Tag  # noqa: PLC0415

    out: list[str] = []
    stack: list[tuple[object, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, Tag):
            name = node.name
            if leaving:
                if name in ("td", "th"):
                    out.append(" | ")
                elif name in _BLOCKS:
                    out.append("\n")
                continue
            if name in _INVISIBLE:
                continue
            if name in _BLOCKS:
                out.append("\n")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) is NavigableString:  # not a Comment, Doctype or other subclass
            out.append(str(node))
    return "".join(out)


def extract_html(data: bytes) -> ParsedDocument:
    # bs4 loads only for an HTML file (see child._PRELOAD).
    from bs4 import BeautifulSoup  # noqa: PLC0415

    raw, encoding = decode(data)
    soup = BeautifulSoup(raw, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    lines = [" ".join(line.split()) for line in _visible_text(soup).splitlines()]
    lines = [line.strip(" |") for line in lines]
    text = _tidy("\n".join(lines))
    if title and title not in text[:500]:
        text = f"{title}\n\n{text}"
    return ParsedDocument(text=text, kind="html", encoding=encoding)
