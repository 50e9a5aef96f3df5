"""DOCX text in document order: body paragraphs, tables (nested too), text boxes, headers, footers.

python-docx opens the package and finds the parts; we walk their XML ourselves because its
paragraph and table lists skip text boxes and content controls, and lose the order between
paragraphs and tables.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from .document import ParsedDocument, written_day
from .errors import ParseError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P = f"{{{W}}}p"
_TBL = f"{{{W}}}tbl"
_TR = f"{{{W}}}tr"
_TC = f"{{{W}}}tc"
_T = f"{{{W}}}t"
_TXBX = f"{{{W}}}txbxContent"
_FALLBACK = f"{{{MC}}}Fallback"
_ALTERNATE = f"{{{MC}}}AlternateContent"
_CHOICE = f"{{{MC}}}Choice"
_BREAKS = {f"{{{W}}}br", f"{{{W}}}cr"}
_TAB = f"{{{W}}}tab"
_HYPHEN = f"{{{W}}}noBreakHyphen"
# Containers whose block children (paragraphs, tables) are read in order.
_BLOCK_CONTAINERS = {
    f"{{{W}}}{name}"
    for name in (
        "sdt",
        "sdtContent",
        "customXml",
        "ins",
        "moveTo",
        "smartTag",
        "body",
        "hdr",
        "ftr",
        "footnotes",
        "footnote",
        "endnotes",
        "endnote",
    )
}

REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
REL_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
REL_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def _paragraph(p: etree._Element, out: list[str]) -> None:
    """One paragraph's text, then the text boxes anchored in it as their own lines."""
    parts: list[str] = []
    boxes: list[etree._Element] = []
    stack = list(reversed(list(p)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == _TXBX:
            boxes.append(node)
            continue
        if tag in (_FALLBACK, _P):
            # mc:Fallback repeats the mc:Choice content for old readers.
            continue
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _HYPHEN:
            parts.append("-")
        stack.extend(reversed(list(node)))
    line = "".join(parts).strip()
    if line:
        out.append(line)
    for box in boxes:
        _blocks(box, out)


def _table(tbl: etree._Element, out: list[str]) -> None:
    for tr in tbl.iter(_TR):
        if _nearest(tr, _TBL) is not tbl:
            continue  # a nested table's row: read where its cell is
        cells: list[list[str]] = []
        for tc in tr:
            if tc.tag != _TC:
                continue
            cell: list[str] = []
            _blocks(tc, cell)
            if cell:
                cells.append(cell)
        if len(cells) > 1 and all(len(c) == 1 and len(c[0]) <= 80 for c in cells):
            # A data row ("Python | 5 years") stays one line so its parts keep together.
            out.append(" | ".join(c[0] for c in cells))
        else:
            for cell in cells:
                out.extend(cell)
                out.append("")


def _nearest(node: etree._Element, tag: str) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _blocks(container: etree._Element, out: list[str]) -> None:
    for child in container:
        tag = child.tag
        if tag == _P:
            _paragraph(child, out)
        elif tag == _TBL:
            _table(child, out)
        elif tag in _BLOCK_CONTAINERS or tag in (_ALTERNATE, _CHOICE):
            _blocks(child, out)


def _part_text(element: etree._Element) -> str:
    out: list[str] = []
    _blocks(element, out)
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _related_parts(document_part, reltype: str) -> list:
    seen = []
    for rel in document_part.rels.values():
        if rel.reltype == reltype and not rel.is_external and rel.target_part not in seen:
            seen.append(rel.target_part)
    return seen


def _xml(part) -> etree._Element:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False))


# A resume's XML is a few hundred KB; this much inflated XML is an attack or a mistake.
MAX_PACKAGE_BYTES = 150 * 1024 * 1024


def _check_package(data: bytes) -> None:
    """DOCX is a ZIP: refuse a package that would inflate to far more than any resume."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            inflated = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ParseError("corrupt") from exc
    if inflated > MAX_PACKAGE_BYTES:
        raise ParseError(
            "too_complex",
            "This Word file expands to far more data than a resume holds, so it was not opened. "
            "Save it again without embedded media and upload it.",
        )


def extract_docx(data: bytes) -> ParsedDocument:
    _check_package(data)

    try:
        document = docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    ) as exc:
        raise ParseError(
            "corrupt",
            "This Word file is damaged and cannot be opened. Save it again and re-upload it.",
        ) from exc
    part = document.part
    headers = [_part_text(_xml(p)) for p in _related_parts(part, REL_HEADER)]
    footers = [_part_text(_xml(p)) for p in _related_parts(part, REL_FOOTER)]
    notes = [
        _part_text(_xml(p))
        for reltype in (REL_FOOTNOTES, REL_ENDNOTES)
        for p in _related_parts(part, reltype)
    ]
    body = _part_text(document.element.body)
    # A header repeated on every section is read once.
    sections = list(dict.fromkeys(h for h in headers if h))
    sections.append(body)
    sections.extend(dict.fromkeys(f for f in footers + notes if f))
    return ParsedDocument(
        text="\n\n".join(s for s in sections if s),
        kind="docx",
        pages=1,
        written=_written(document),
    )


def _written(document) -> str:
    package = document.part.package
    try:
        # Asked for a file without the part, python-docx makes one up stamped with today's
        # date, which would pass for the day the resume was written.
        package.part_related_by(RT.CORE_PROPERTIES)
        properties = document.core_properties
        return written_day(properties.modified) or written_day(properties.created)
    except (KeyError, ValueError):
        # No properties part, or two of them (a hostile package): the date is lost, never the
        # text.
        return ""
