"""Each supported format, built by the test, comes back as its whole text in reading order."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
import pypdfium2 as pdfium
import pytesseract
import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from candidates.parsing import Limits, ParseError, extract
from candidates.parsing.document import written_day
from candidates.parsing.extract import mend
from candidates.parsing.ocr import tesseract_available
from candidates.parsing.pdf import extract_pdf_pypdf
from tests.candidates.factories import resume_pdf

from . import documents as docs


def _words(text: str) -> list[str]:
    return text.split()


def test_it_reads_a_pdf_text_layer_line_by_line():
    result = extract(docs.pdf_single_column(), "keller.pdf")
    assert result.kind == "pdf"
    assert result.pages == 1
    assert not result.ocr_used
    for line in docs.RESUME_LINES:
        assert line in result.text


def test_it_reads_a_two_column_pdf_one_column_after_the_other():
    result = extract(docs.pdf_two_columns(), "ferreira.pdf")
    text = result.text
    assert text.startswith("Joana Ferreira - Site Reliability Engineer")
    # Every sidebar line comes before the main column starts, and each column keeps its order.
    positions_left = [text.index(line) for line in docs.LEFT_COLUMN]
    positions_right = [text.index(line) for line in docs.RIGHT_COLUMN]
    assert positions_left == sorted(positions_left)
    assert positions_right == sorted(positions_right)
    assert max(positions_left) < min(positions_right)
    # Sentences that run over several lines of the main column read on without sidebar words.
    assert "running\na fleet of Kubernetes" in text


def test_a_naive_line_reader_would_interleave_that_two_column_pdf():
    # The control for the test above: pypdf reads across the columns, so the fixture really is
    # the hard case and the reading order above is our doing.

    text = extract_pdf_pypdf(docs.pdf_two_columns())
    assert text.index(docs.RIGHT_COLUMN[0]) < text.index(docs.LEFT_COLUMN[-1])


def test_it_reads_a_pdf_drawn_glyph_by_glyph_without_repeating_letters_or_splitting_years():
    lines = ["CONTRACT ACCOUNTANT", "January 2014 to Current 11/2011", "More than ten years"]
    text = extract(docs.pdf_glyph_by_glyph(lines * 4), "printed.pdf").text
    assert text.split("\n")[:3] == lines


def _loose_boxes(data: bytes) -> list[tuple[str, float, float, float]]:
    """(character, left, right, height) of each glyph of the first page, as PDFium boxes it."""
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[0].get_textpage()
        boxes = []
        for index in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            boxes.append((textpage.get_text_range(index, 1), left, right, top - bottom))
        return boxes
    finally:
        pdf.close()


def test_it_finds_the_word_break_after_a_glyph_whose_box_overhangs_the_next_word():
    # No "ff": PDFium drops a glyph drawn almost on top of the same glyph (its fake-bold rule),
    # and this "f" advances by less than a point.
    lines = [
        "Chief of accounting for a fifth of the firm",
        "Head of finance and of forecasting, after five years",
        "Reconciled the fees of a fund, helpful to the chief of sales",
    ]
    data = docs.pdf_glyph_by_glyph(lines * 2, overhang={"f": 2.0})
    boxes = _loose_boxes(data)
    pairs = ["".join(c for c, *_ in boxes[i : i + 2]) for i in range(len(boxes) - 1)]
    # The case itself: inside "fifth" the box of the "f" reaches past the "i"; after "of" it ends
    # so close to "accounting" that a gap of 0.09 letter heights, a word break after any other
    # letter, is not there.
    f, i = boxes[pairs.index("fi")], boxes[pairs.index("fi") + 1]
    assert f[2] > i[1]
    f, a = boxes[pairs.index("fa")], boxes[pairs.index("fa") + 1]
    assert a[1] - f[2] < 0.09 * f[3]

    text = extract(data, "printed.pdf").text
    assert text.split("\n") == lines * 2


def test_it_keeps_right_aligned_dates_on_their_job_line():
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica", 10)
    jobs = [
        ("Platform Engineer, Kestrel Systems in Leeds and remote", "2021 - 2024"),
        ("Build Engineer, Osprey Games", "2018 - 2021"),
        ("Release Manager, Harrier Software and Media", "2016 - 2018"),
        ("Support Analyst, Merlin Telecom", "2014 - 2016"),
        ("Junior Tester, Falcon Labs working on mobile apps", "2012 - 2014"),
    ]
    for index, (title, dates) in enumerate(jobs):
        y = 780 - index * 40
        page.drawString(50, y, title)
        page.drawRightString(545, y, dates)
        page.drawString(50, y - 14, "Responsible for pipelines, tooling and on-call rotations.")
    page.save()
    text = extract(buffer.getvalue(), "dates.pdf").text
    for title, dates in jobs:
        assert f"{title} {dates}" in text


def test_it_refuses_a_password_protected_pdf_with_a_clear_message():
    with pytest.raises(ParseError) as caught:
        extract(docs.pdf_encrypted(), "locked.pdf")
    assert caught.value.code == "encrypted"
    assert "password" in caught.value.message.lower()


def test_it_calls_a_damaged_pdf_corrupt():
    garbage = b"%PDF-1.7\n" + bytes(range(256)) * 40
    with pytest.raises(ParseError) as caught:
        extract(garbage, "broken.pdf")
    assert caught.value.code == "corrupt"


def test_a_truncated_pdf_is_recovered_or_refused_never_silently_empty():
    data = docs.pdf_single_column()
    outcomes = []
    for cut in (len(data) // 2, len(data) - 200):
        try:
            outcomes.append(extract(data[:cut], "truncated.pdf").word_count >= 30)
        except ParseError as exc:
            outcomes.append(exc.code in {"corrupt", "no_text"})
    assert outcomes == [True, True]


def test_it_reads_docx_body_tables_nested_tables_headers_footers_and_text_boxes_in_order():
    result = extract(docs.docx_resume(), "okafor.docx")
    text = result.text
    assert result.kind == "docx"
    expected_order = [
        "Curriculum vitae of Daniel Okafor",  # header first
        "Daniel Okafor",
        "Backend Engineer, Paystack, 2018 - present",
        "Skill | Years",
        "Terraform | 4",
        "Certifications",
        "Certified Kubernetes Administrator, 2021",  # nested table
        "B.Sc. in Electrical Engineering, University of Lagos, 2010 - 2014",
        "Open to remote roles",
        "Textbox contact: daniel@example.org",  # text box, after its anchor paragraph
        "References available on request",  # footer last
    ]
    positions = [text.index(fragment) for fragment in expected_order]
    assert positions == sorted(positions)
    # The text box is written twice in the file (modern shape and VML fallback); read once.
    assert text.count("Kano office hours") == 1


def _without_core_properties(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/core.xml":
                continue
            if item.filename == "_rels/.rels":
                rels = etree.fromstring(content)
                for rel in list(rels):
                    if rel.get("Target", "").endswith("core.xml"):
                        rels.remove(rel)
                content = etree.tostring(rels)
            target.writestr(item, content)
    return buffer.getvalue()


def test_a_word_file_and_a_pdf_say_the_day_they_were_saved():
    document = docx.Document(io.BytesIO(docs.docx_resume()))
    document.core_properties.modified = datetime(2021, 8, 8, 14, 30)
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract(buffer.getvalue(), "saved.docx").written == "2021-08-08"

    writer = PdfWriter(clone_from=io.BytesIO(docs.pdf_single_column()))
    writer.add_metadata({"/CreationDate": "D:20190102030405+00'00'", "/ModDate": "D:20210808"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert extract(buffer.getvalue(), "saved.pdf").written == "2021-08-08"


def _two_core_properties(rels: bytes) -> bytes:
    found = re.search(rb"<Relationship [^>]*core-properties[^>]*/>", rels)
    assert found is not None
    twin = re.sub(rb'Id="[^"]+"', b'Id="rIdTwin"', found.group(0))
    return rels.replace(found.group(0), found.group(0) + twin)


def test_a_file_that_says_no_date_is_read_undated_never_as_today():
    # Asked for missing properties, python-docx would make up a part stamped with today.
    assert extract(_without_core_properties(docs.docx_resume()), "bare.docx").written == ""
    # Two properties parts, which python-docx refuses to choose between: no date, the text.
    twins = docs.docx_copy_with(docs.docx_resume(), "_rels/.rels", _two_core_properties)
    document = extract(twins, "twins.docx")
    assert document.written == ""
    assert "Backend Engineer, Paystack, 2018 - present" in document.text
    assert extract(" ".join(["word"] * 40).encode(), "plain.txt").written == ""


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("D:20210808123456+02'00'", "2021-08-08"),
        ("20210808", "2021-08-08"),
        ("D:20211345", ""),  # no thirteenth month
        ("D:1985", ""),
        ("Sunday", ""),
        (None, ""),
        (datetime(2023, 5, 14, 9, 0), "2023-05-14"),
        (datetime(1980, 1, 1), ""),  # before any resume a reader holds: a zeroed clock
    ],
)
def test_a_files_date_stamp_is_read_as_a_day_or_not_at_all(stamp, day):
    assert written_day(stamp) == day


def test_it_calls_a_docx_with_broken_xml_corrupt():
    data = docs.docx_copy_with(docs.docx_resume(), "word/document.xml", lambda xml: xml[:-200])
    with pytest.raises(ParseError) as caught:
        extract(data, "broken.docx")
    assert caught.value.code == "corrupt"


def test_it_reads_rtf():
    result = extract(docs.rtf_resume(), "keller.rtf")
    assert result.kind == "rtf"
    assert "Apache Kafka and Python" in result.text
    assert "maria.keller@example.com" in result.text


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("cp1252", b"")],
)
def test_it_decodes_text_in_common_encodings(encoding, bom):
    text = docs.RESUME_TEXT + "\nRésumé — “naïve” café owner in Zürich, 5 € per coffee."
    data = bom + text.encode(encoding)
    result = extract(data, "resume.txt")
    assert result.kind == "text"
    assert "Résumé — “naïve” café owner in Zürich" in result.text
    assert "Apache Kafka" in result.text


def test_a_short_windows_text_is_read_as_windows_1252_not_a_dos_code_page():
    # charset-normalizer takes these bytes for cp775 (Baltic DOS): "Renķe M³ller".
    text = (
        "Renée Müller\nCafé manager, March 2019 - Present, São Paulo\n"
        "Led a team of twelve baristas and cut waste by a fifth over two years.\n"
        "Ordered stock, kept the accounts and trained every new starter.\n"
    )
    result = extract(text.encode("cp1252"), "cv.txt")
    assert result.text.startswith("Renée Müller\nCafé manager")
    assert "São Paulo" in result.text


def test_it_decodes_latin1_text_without_mojibake():
    text = docs.RESUME_TEXT + "\nGeschäftsführer der Müller GmbH, Straße 5, Köln."
    result = extract(text.encode("latin-1"), "lebenslauf.md")
    assert "Geschäftsführer der Müller GmbH, Straße 5, Köln." in result.text


def test_a_character_whose_last_byte_was_lost_to_the_code_page_reads_as_a_space():
    """livecareer's PDFs carry "Company Name \u00ef\u00bc City": a full-width dash read as
    Windows-1252, its last byte one that code page leaves undefined, so ftfy cannot mend it."""
    text = (
        docs.RESUME_TEXT
        + "\nCompany Name \u00ef\u00bc City , State\n\u00e2\u2014\u200b Reconciled accounts"
        + "\nHe said \u201ccaf\u00e9\u201d then left, na\u00efvely."
    )
    result = extract(text.encode("utf-8"), "resume.txt")
    assert "Company Name City , State" in result.text
    assert "\nReconciled accounts" in result.text
    # Accented letters before a quote or inside a word are no mojibake.
    assert "He said \u201ccaf\u00e9\u201d then left, na\u00efvely." in result.text


@pytest.mark.parametrize(
    ("garbled", "mended"),
    [
        # Whole symbols ftfy 6 leaves garbled; a symbol font's private bullet is a bullet.
        ("Summary \u00e2\u2014\u2020 Project Management", "Summary \u25c6 Project Management"),
        (
            "initiatives. \u00e2\u2014\u00a6 Using SharePoint",
            "initiatives. \u25e6 Using SharePoint",
        ),
        ("Forrester Waves\u00e2\u201e\u00a2 and", "Forrester Waves\u2122 and"),
        ("projects.\u00ef\u201a\u00a7 Negotiate fees", "projects.\u2022 Negotiate fees"),
        # An em dash garbled twice, its last byte lost.
        (
            "Programs (1995\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u20ac2003) department"
            "\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u20acdeveloped plans",
            "Programs (1995\u20142003) department\u2014developed plans",
        ),
        # A closing quote that lost its last byte, after the opening one.
        (
            "with a \u201cThank You Award.\u00e2\u20acDesigned a standard exit",
            "with a \u201cThank You Award.\u201dDesigned a standard exit",
        ),
        (
            "Honorable Mention: \u00e2\u20ac\u0153Check Check\u00e2\u20ac, Jumpsuit",
            "Honorable Mention: \u201cCheck Check\u201d, Jumpsuit",
        ),
        # A hyphen that lost its last byte inside a word.
        ("Positive self\u00e2\u20acstarter", "Positive self-starter"),
        # A bullet that lost its last byte, before a garbled no-break space or a capital.
        ("Payroll\n\u00e2\u2014\u00c2 \u00c2 Processed payroll", "Payroll\nProcessed payroll"),
        ("Payroll\n\u00e2\u2014Processed payroll", "Payroll\nProcessed payroll"),
        # Letters whose last byte the PDF dropped: a soft hyphen in "\u00ed", a ligature's.
        (
            "T\u00c3tulo del Puesto, pol\u00c3tica, R\u00c3o",
            "T\u00edtulo del Puesto, pol\u00edtica, R\u00edo",
        ),
        ("broadcasting and the \u00ef\u00aclm industry", "broadcasting and the film industry"),
        (
            "System Integration \u00c2Technology Deployment",
            "System Integration Technology Deployment",
        ),
        # PDFium's marker for the hyphen drawn at a line's end.
        ("Sarbanes\ufffe\nOxley compliance", "Sarbanes-\nOxley compliance"),
        # Words that do hold these letters keep them.
        (
            "S\u00c3O PAULO, Na\u00efve Bayes, \u00c2ngelo",
            "S\u00c3O PAULO, Na\u00efve Bayes, \u00c2ngelo",
        ),
    ],
)
def test_mojibake_ftfy_leaves_is_mended_to_the_character_meant(garbled: str, mended: str):
    text = extract((docs.RESUME_TEXT + "\n" + garbled).encode("utf-8"), "resume.txt").text
    assert text.endswith("\n" + mended)


def test_a_resume_builders_instructions_and_unfilled_suggestions_are_not_the_resume():
    """livecareer's builder left its instructions and its suggested sentences with blanks in the
    PDFs: "Enter outstanding achievements ..." read as an accomplishment, and "Excel in [areas
    of expertise]" as the skill Microsoft Excel."""
    lines = [
        "Accomplishments",
        "Enter outstanding achievements that show you can go above and beyond basic job"
        " expectations. See Examples General Ledger Accounts",
        "Managed a $ [Amount] annual budget that grew [Number] % in [Number] years.",
        "Excel in [areas of expertise]",
        "Registered Nurse in [State] , License number [number] , [year]",
        "Affiliations",
        "Enter any professional organizations that you are involved in.",
        "See Examples",
    ]
    text = extract((docs.RESUME_TEXT + "\n" + "\n".join(lines)).encode(), "resume.txt").text
    assert text.endswith("\nAccomplishments\nGeneral Ledger Accounts\nAffiliations")


@pytest.mark.parametrize(
    "line",
    [
        # Blanks the writer filled, and brackets that hold names.
        "Answered an average of [80] calls per day.",
        "Taught [World History] to diverse class of 30 students.",
        "[MCP] (Microsoft) Vodafone Best Retailer (Vodafone)",
        # A sentence of the writer's own beside the blank.
        "Conducted analysis to address [issue] which led to [positive outcome]. Increased sales"
        " by 17% over a two-year period.",
        # The rest of a sentence begun on the line above.
        "of discrepancy investigations by [Number]% by designing a more accurate system.",
        # Two items the page ran into one line.
        "Central Connecticut 2010 Bachelor of Arts : Accounting Member of [Club Name] Club",
        "Information Technology[Number] GPA",
        "Excel in [areas of expertise] Contract auditing",
    ],
)
def test_a_line_with_words_of_the_writers_own_stays_whole(line: str):
    text = extract((docs.RESUME_TEXT + "\n" + line).encode(), "resume.txt").text
    assert text.endswith("\n" + line)


def test_it_reads_html_text_and_drops_scripts_styles_and_noscript():
    result = extract(docs.html_resume(), "resume.html")
    assert result.kind == "html"
    assert "Built streaming pipelines" in result.text
    assert "Kubernetes | Expert" in result.text
    for marker in ("trackingMarker", "secret-style-marker", "enable-js-marker"):
        assert marker not in result.text


def test_it_refuses_a_document_with_under_thirty_words():
    with pytest.raises(ParseError) as caught:
        extract(b"Jane Doe\nPython developer\nCall me maybe", "short.txt")
    assert caught.value.code == "no_text"
    assert "no readable text" in caught.value.message.lower()
    assert "holds only 7 words." in caught.value.message


def test_a_one_word_document_is_refused_in_good_english():
    with pytest.raises(ParseError) as caught:
        extract(b"Resume", "one.txt")
    assert "holds only 1 word." in caught.value.message


def test_it_refuses_an_empty_file():
    with pytest.raises(ParseError) as caught:
        extract(b"", "empty.pdf")
    assert caught.value.code == "no_text"


def test_it_refuses_a_file_over_the_size_limit():
    with pytest.raises(ParseError) as caught:
        extract(docs.RESUME_TEXT.encode() * 50, "big.txt", limits=Limits(max_file_bytes=10_000))
    assert caught.value.code == "too_large"
    assert "MB" in caught.value.message


def test_a_text_longer_than_a_resume_is_cut_at_a_line_with_a_warning():
    body = docs.RESUME_TEXT.encode() * 400
    result = extract(body, "long.txt", limits=Limits(max_text_chars=20_000))
    assert len(body) > 20_000 >= len(result.text)
    assert result.text.startswith(docs.RESUME_TEXT.strip().splitlines()[0])
    # Cut where a line ends, so no word is split in two.
    assert body.decode().replace("\r", "").find(result.text.splitlines()[-1] + "\n") >= 0
    assert any("first 20,000 characters" in w for w in result.warnings)
    assert not extract(docs.RESUME_TEXT.encode(), "short.txt").warnings


# --- OCR ------------------------------------------------------------------------------------


def test_it_reads_a_scanned_png_with_ocr(tesseract):
    result = extract(docs.png_scan(), "scan.png")
    assert result.kind == "image"
    assert result.ocr_used
    assert "Senior Data Engineer" in result.text
    assert "maria.keller@example.com" in result.text
    assert "Apache Kafka" in result.text


def test_it_reads_a_scanned_pdf_without_a_text_layer_with_ocr(tesseract):
    result = extract(docs.pdf_from_image(docs.rendered_page()), "scan.pdf")
    assert result.kind == "pdf"
    assert result.ocr_used
    assert "Built streaming pipelines" in result.text
    assert "Technical University of Munich" in result.text


def test_it_reads_a_jpeg_photo_of_a_resume(tesseract):
    buffer = io.BytesIO()
    docs.rendered_page().convert("RGB").save(buffer, format="JPEG", quality=85)
    result = extract(buffer.getvalue(), "photo.jpg")
    assert "Northwind Analytics" in result.text


def test_a_scan_is_marked_needs_ocr_when_tesseract_is_missing(monkeypatch):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    assert not tesseract_available()
    for data, name in [
        (docs.png_scan(), "scan.png"),
        (docs.pdf_from_image(docs.rendered_page()), "scan.pdf"),
    ]:
        with pytest.raises(ParseError) as caught:
            extract(data, name)
        assert caught.value.code == "needs_ocr"
        assert "tesseract" in caught.value.message


def test_a_scan_is_marked_needs_ocr_when_ocr_is_turned_off():
    with pytest.raises(ParseError) as caught:
        extract(docs.pdf_from_image(docs.rendered_page()), "scan.pdf", ocr=False)
    assert caught.value.code == "needs_ocr"


def test_it_refuses_an_image_with_too_many_pixels_before_decoding_it(tesseract):
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(buffer, format="PNG")
    with pytest.raises(ParseError) as caught:
        extract(buffer.getvalue(), "huge.png", limits=Limits(max_image_pixels=50_000_000))
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("garbled", "mended"),
    [
        ("General ledger accounting Taxes\u00c2", "General ledger accounting Taxes "),
        ("Supervised a team of two.\u00c2\nSkills", "Supervised a team of two. \nSkills"),
        ("account\u00c2analysis", "account analysis"),
        # Words that do hold a capital Â keep it.
        (
            "\u00c2ngelo Silva, CH\u00c2TEAU MARGAUX, ROM\u00c2NIA",
            "\u00c2ngelo Silva, CH\u00c2TEAU MARGAUX, ROM\u00c2NIA",
        ),
    ],
)
def test_a_garbled_no_break_space_leaves_no_stray_letter(garbled: str, mended: str) -> None:
    # A space where the no-break space was: normalising the text trims it at a line's end.
    assert mend(garbled) == mended


def test_glyphs_a_pdf_converter_could_not_map_are_not_text():
    lines = ["Tel Aviv", "(cid:72)", "Senior Software Developer (cid:205)"]
    lines += ["Built payment services in Go and Python for eight years at two fintech firms."] * 3
    text = extract("\n".join(lines).encode(), "resume.txt").text
    assert "cid:" not in text
    assert "Senior Software Developer\n" in text


def test_bullets_drawn_in_a_symbol_font_are_bullets_not_letters():
    lines = [
        "Jane Roe",
        "Sales Associate",
        "l Priced merchandise and stocked shelves.",
        "n Opened and closed the store.",
        "Virus and spyware removal q MCSA certification class",
        "Ø Trained new staff; ü Employee of the month",
        "§ 1983 claims, n = 30 patients, Vitamin D v Placebo, Ø 25 mm pipe",
        "l",
    ]
    lines += ["Built payment services in Go and Python for eight years at two fintech firms."] * 3
    text = extract("\n".join(lines).encode(), "resume.txt").text
    assert "\u2022 Priced merchandise and stocked shelves." in text
    assert "\u2022 Opened and closed the store." in text
    assert "removal \u2022 MCSA certification" in text
    assert "\u2022 Trained new staff; \u2022 Employee of the month" in text
    # Not before a capital, or not alone: words and symbols as written.
    assert "§ 1983 claims, n = 30 patients, Vitamin D v Placebo, Ø 25 mm pipe" in text


def _with_stamp(data: bytes, key: bytes, value: bytes) -> bytes:
    """The PDF with one date stamp's string replaced by `value`, padded to the same length so
    every offset in the file still holds."""
    found = re.search(rb"/" + key + rb" \((D:[^)]*)\)", data)
    assert found is not None
    size = len(found.group(0)) - len(key) - 2
    replacement = value + b"0" * (size - len(value) - 1) + b">"
    return data[: found.start()] + b"/" + key + b" " + replacement + data[found.end() :]


def test_a_pdf_date_stamp_that_will_not_decode_costs_that_date_never_the_text():
    # A lone UTF-16 surrogate (D800) in a stamp: pdfium hands it back and decoding it raises.
    lone_surrogate = b"<FEFFD8000041"
    data = resume_pdf()  # reportlab's invariant mode stamps both dates 2000-01-01
    assert extract(data, "plain.pdf").written == "2000-01-01"
    odd = _with_stamp(data, b"ModDate", lone_surrogate)

    document = extract(odd, "odd.pdf")

    assert document.written == "2000-01-01"  # the other stamp
    assert document.word_count >= 30
    odder = _with_stamp(odd, b"CreationDate", lone_surrogate)
    assert extract(odder, "odder.pdf").written == ""
