"""Builders for the documents the parsing tests read. Every file is made here, at test time, with
reportlab, python-docx, Pillow and the standard library: no binary fixtures of unknown origin."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import docx
from lxml import etree
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

RESUME_LINES = [
    "Maria Keller",
    "Senior Data Engineer",
    "Berlin, Germany",
    "Email: maria.keller@example.com",
    "Phone: +49 30 1234 5678",
    "https://www.linkedin.com/in/maria-keller",
    "",
    "Experience",
    "Senior Data Engineer, Northwind Analytics",
    "03/2019 - present",
    "Built streaming pipelines with Apache Kafka and Python feeding a PostgreSQL warehouse.",
    "Data Engineer, Contoso Retail",
    "Jan 2015 - Feb 2019",
    "Maintained nightly batch jobs in SQL and Airflow for the finance reporting team.",
    "",
    "Education",
    "M.Sc. in Computer Science, Technical University of Munich, 2012 - 2014",
    "",
    "Skills",
    "Python, SQL, Apache Kafka, PostgreSQL, Docker, Kubernetes",
    "",
    "Languages",
    "German (native), English (fluent)",
]
RESUME_TEXT = "\n".join(RESUME_LINES)

LEFT_COLUMN = [
    "CONTACT",
    "Lisbon, Portugal",
    "sidebar.alpha@example.com",
    "SKILLS",
    "Terraform and Ansible",
    "Prometheus dashboards",
    "Linux administration",
    "LANGUAGES",
    "Portuguese native",
    "English fluent",
]
RIGHT_COLUMN = [
    "EXPERIENCE",
    "Site Reliability Engineer at Beacon Cloud from 2020 until today, running",
    "a fleet of Kubernetes clusters across three regions with on call duty and",
    "incident reviews every week for the payments and search teams here.",
    "Systems Administrator at Harbor Networks from 2016 to 2020, automating",
    "backups and patching for four hundred servers with shell scripts daily.",
    "EDUCATION",
    "Licenciatura in Informatics, University of Porto, 2012 to 2016 with honours",
    "thesis on distributed storage and replication for small research labs.",
    "Volunteer mentor for students learning networking and operating systems.",
]


# --- PDF ------------------------------------------------------------------------------------


def pdf_single_column(lines: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica", 11)
    y = 800
    for line in lines or RESUME_LINES:
        if y < 60:
            page.showPage()
            page.setFont("Helvetica", 11)
            y = 800
        page.drawString(60, y, line)
        y -= 16
    page.save()
    return buffer.getvalue()


def pdf_two_columns() -> bytes:
    """A sidebar resume: a full-width name, then a narrow left column beside the main one, with
    lines deliberately on the same baselines so naive line-by-line reading interleaves them."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica-Bold", 18)
    page.drawString(40, 800, "Joana Ferreira - Site Reliability Engineer")
    page.setFont("Helvetica", 9)
    for index, (left, right) in enumerate(zip(LEFT_COLUMN, RIGHT_COLUMN, strict=True)):
        y = 760 - index * 14
        page.drawString(40, y, left)
        page.drawString(200, y, right)
    page.save()
    return buffer.getvalue()


def pdf_glyph_by_glyph(lines: list[str], overhang: dict[str, float] | None = None) -> bytes:
    """Every glyph drawn on its own, a little tighter than its advance, and no space glyphs: how
    browsers print web pages to PDF (the livecareer corpus). After a character in `overhang`
    the next glyph is drawn that many points further inside its width, so its (loose) box
    reaches past the next glyph's start, as the "f" of those PDFs does."""
    overhang = overhang or {}
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    y = 800.0
    for line in lines:
        x = 40.0
        for char in line:
            if char != " ":
                page.setFont("Helvetica", 11)
                page.drawString(x, y, char)
            x += stringWidth(char, "Helvetica", 11) - 0.4 - overhang.get(char, 0.0)
        y -= 16
    page.save()
    return buffer.getvalue()


def pdf_encrypted() -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_single_column())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner-s3cret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_from_image(image) -> bytes:
    """A scanned page: the picture only, no text layer."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PDF", resolution=300)
    return buffer.getvalue()


# --- Images for OCR -------------------------------------------------------------------------


def rendered_page(lines: list[str] | None = None, *, size: int = 40):
    """Text drawn on a white page at about 300 dpi, as a scanner would deliver it."""
    lines = lines or RESUME_LINES
    font_path = FONT_DIR / "DejaVuSans.ttf"
    font = (
        ImageFont.truetype(str(font_path), size)
        if font_path.exists()
        else ImageFont.load_default(size=size)
    )
    step = int(size * 1.6)
    image = Image.new("L", (2480, 160 + step * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((120, 80 + index * step), line, fill=0, font=font)
    return image


def png_scan(lines: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    rendered_page(lines).save(buffer, format="PNG")
    return buffer.getvalue()


# --- DOCX -----------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _textbox_paragraph_xml(lines: list[str]) -> str:
    """A paragraph anchoring a DrawingML text box, wrapped the way Word writes it: the modern
    shape in mc:Choice and a VML copy of the same text in mc:Fallback."""
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    return (
        f'<w:p xmlns:w="{W}" xmlns:mc="{MC}" xmlns:wps="{WPS}" xmlns:a="{A}" xmlns:wp="{WP}" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        "<w:r><w:t>Sidebar:</w:t></w:r>"
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        "<a:graphic><a:graphicData><wps:wsp><wps:txbx>"
        f"<w:txbxContent>{paragraphs}</w:txbxContent>"
        "</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent>{paragraphs}</w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        "</w:p>"
    )


def docx_resume(*, textbox: bool = True, nested_table: bool = True) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Curriculum vitae of Daniel Okafor"
    section.footer.paragraphs[0].text = "References available on request"
    document.add_heading("Daniel Okafor", level=1)
    document.add_paragraph("Backend Engineer, Lagos, Nigeria")
    document.add_paragraph("Experience")
    document.add_paragraph("Backend Engineer, Paystack, 2018 - present")
    document.add_paragraph("Designed payment APIs in Go and PostgreSQL serving millions of users.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Skill"
    table.cell(0, 1).text = "Years"
    table.cell(1, 0).text = "Terraform"
    table.cell(1, 1).text = "4"
    if nested_table:
        outer = document.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "Certifications"
        inner = outer.cell(0, 1).add_table(rows=1, cols=1)
        inner.cell(0, 0).text = "Certified Kubernetes Administrator, 2021"
    document.add_paragraph("Education")
    document.add_paragraph("B.Sc. in Electrical Engineering, University of Lagos, 2010 - 2014")
    closing = document.add_paragraph("Open to remote roles in fintech and infrastructure teams.")
    if textbox:
        box = etree.fromstring(
            _textbox_paragraph_xml(["Textbox contact: daniel@example.org", "Kano office hours"])
        )
        closing._p.addnext(box)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_copy_with(data: bytes, part: str, transform) -> bytes:
    """The same DOCX with one XML part rewritten (for damaged-file tests)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                content = transform(content)
            target.writestr(copy.copy(item), content)
    return buffer.getvalue()


# --- Text formats ---------------------------------------------------------------------------


def rtf_resume() -> bytes:
    body = "\\par\n".join(
        line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}") for line in RESUME_LINES
    )
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs22\n" + body + "\\par\n}").encode(
        "ascii"
    )


def html_resume() -> bytes:
    items = "".join(f"<p>{line}</p>" for line in RESUME_LINES if line)
    return (
        "<!DOCTYPE html><html><head><title>Resume</title>"
        "<style>body { font-family: secret-style-marker; }</style>"
        "<script>var trackingMarker = 'should never appear';</script></head>"
        f"<body><header><h1>Profile</h1></header>{items}"
        "<noscript>enable-js-marker</noscript>"
        "<table><tr><td>Tool</td><td>Level</td></tr><tr><td>Kubernetes</td><td>Expert</td></tr>"
        "</table></body></html>"
    ).encode()


# --- Archives -------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_with_raw_names(members: list[tuple[str, bytes]]) -> bytes:
    """ZipFile.writestr keeps names as given, including '../' and absolute ones: the hostile
    archives we need, written without touching the file system."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def zip_with_symlink(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = (0o120777 << 16) & 0xFFFF0000
        archive.writestr(info, target)
    return buffer.getvalue()


def zip_with_encrypted_flag(name: str, content: bytes) -> bytes:
    """A member marked as encrypted (general purpose bit 0), as a password-protected ZIP has."""
    data = bytearray(zip_of({name: content}, compression=zipfile.ZIP_STORED))
    # Set bit 0 in both the local header and the central directory entry.
    local = data.find(b"PK\x03\x04")
    data[local + 6] |= 0x01
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x01
    return bytes(data)


def zip_overlapping_bomb(copies: int = 20) -> bytes:
    """Many central-directory names pointing at the same compressed bytes (the trick of
    non-recursive ZIP bombs)."""
    single = bytearray(zip_of({"resume.txt": b"A" * 2_000_000}))
    local_end = single.find(b"PK\x01\x02")
    central_start = local_end
    eocd_start = single.find(b"PK\x05\x06")
    central = bytes(single[central_start:eocd_start])
    entries = central * copies
    eocd = bytearray(single[eocd_start:])
    count = copies.to_bytes(2, "little")
    eocd[8:10] = count
    eocd[10:12] = count
    eocd[12:16] = len(entries).to_bytes(4, "little")
    eocd[16:20] = local_end.to_bytes(4, "little")
    return bytes(single[:local_end]) + entries + bytes(eocd)
