"""Real PDFs of the livecareer set (../shared): every character read once, words kept apart.

These PDFs place each character in its own overlapping box with no space characters between
words; read box by box they came out as "S um umm mma mar ary ry". One file per category, the
first of each in labels.csv.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from candidates.parsing import extract
from candidates.parsing.extract import mend
from candidates.parsing.profile import extract_profile


def _first_of_each_category(shared_dir: Path) -> list[Path]:
    root = shared_dir / "datasets" / "livecareer-resumes"
    seen: dict[str, Path] = {}
    with (root / "labels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            seen.setdefault(row["category"], root / row["path"])
    assert len(seen) == 24
    return list(seen.values())


def _characters(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def _pdfium_text(path: Path) -> str:
    """The text layer in stream order, an independent reading of each page."""
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        pdf.close()


def _pdfium_characters(path: Path) -> Counter[str]:
    # Mended as the reader mends it: three garbled characters for an apostrophe are one in the
    # text it keeps. A no-break space garbled to "\u00c2\xa0" loses its second half in
    # pdfium's reading, and the lone first half left is mended away by the reader, which kept
    # both: it is no character of the resume.
    return _characters(mend(_pdfium_text(path)).replace("\u00c2", ""))


@pytest.mark.slow
def test_each_character_is_read_once_and_words_stay_words(shared_dir):
    for path in _first_of_each_category(shared_dir):
        text = extract(path.read_bytes(), path.name).text
        ours, theirs = _characters(text), _pdfium_characters(path)
        surplus = sum((ours - theirs).values())
        lost = sum((theirs - ours).values())
        total = sum(theirs.values())
        assert surplus <= 0.01 * total, f"{path.name}: {surplus} characters read twice"
        assert lost <= 0.01 * total, f"{path.name}: {lost} characters lost"
        # Words run together or cut into two-letter pieces would make short tokens common.
        words = re.findall(r"[A-Za-z]+", text)
        short = sum(1 for w in words if len(w) <= 2) / len(words)
        assert short < 0.25, f"{path.name}: {short:.0%} of the words have one or two letters"


@pytest.mark.slow
def test_mojibake_in_the_text_layer_is_mended(shared_dir):
    """Many of these PDFs were made from pages that read UTF-8 as Latin-1: their own text
    layer says "â€“" for a dash and "â€™" for an apostrophe. The text the reader keeps does
    not."""
    garbled = [
        path for path in _first_of_each_category(shared_dir) if "\u00e2\u20ac" in _pdfium_text(path)
    ]
    assert len(garbled) >= 3
    for path in garbled:
        text = extract(path.read_bytes(), path.name).text
        assert "\u00e2\u20ac" not in text, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", ["ACCOUNTANT/12780508.pdf", "ACCOUNTANT/13491889.pdf"])
def test_a_garbled_space_that_lost_its_half_leaves_no_letter_behind(shared_dir, path):
    """A no-break space garbled to "Â" and a space, whose space the page then lost: the "Â"
    showed in evidence lines ("General ledger accounting TaxesÂ")."""
    pdf = shared_dir / "datasets" / "livecareer-resumes" / "pdf" / path
    assert "\u00c2" in _pdfium_text(pdf)
    text = extract(pdf.read_bytes(), pdf.name).text
    assert "\u00c2" not in text


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "ACCOUNTANT/12802330.pdf",
        "ADVOCATE/38698573.pdf",
        "APPAREL/70750649.pdf",
        "ENGINEERING/17103000.pdf",
    ],
)
def test_a_skill_under_a_heading_is_not_read_as_the_persons_name(shared_dir, path):
    """These resumes carry no name; their skills column ("Budget Administration", "Microsoft
    Visio") was shown as the candidate's name in the ranking."""
    pdf = shared_dir / "datasets" / "livecareer-resumes" / "pdf" / path
    text = extract(pdf.read_bytes(), pdf.name).text
    assert extract_profile(text).name.value is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("CONSTRUCTION/22965804.pdf", "Construction Worker"),
        ("CHEF/28176889.pdf", "Food Server"),
        ("AVIATION/17655479.pdf", "Pest Control Tech"),
    ],
)
def test_a_trade_headline_is_the_title_not_the_name(shared_dir, path, title):
    pdf = shared_dir / "datasets" / "livecareer-resumes" / "pdf" / path
    profile = extract_profile(extract(pdf.read_bytes(), pdf.name).text)
    assert (profile.name.value, profile.title.value) == (None, title)


@pytest.mark.slow
def test_of_stays_apart_from_the_next_word(shared_dir):
    """In these PDFs the box of an "f" reaches past the next letter, so the gap after "of" is
    narrower than a word break after other letters: read with one fixed threshold, every file
    here had "ofaccounting"-like words (73 in the first)."""
    texts = {
        path: extract(path.read_bytes(), path.name).text
        for path in _first_of_each_category(shared_dir)
    }
    first = shared_dir / "datasets" / "livecareer-resumes" / "pdf" / "ACCOUNTANT" / "10554236.pdf"
    assert "accuracy of accounting records" in texts[first]
    for path, text in texts.items():
        words = re.findall(r"\b[Oo]f[a-z]{2,}\b", text)
        glued = [w for w in words if not re.match(r"of(?:fer|fic|ten)", w.lower())]
        assert not glued, f"{path.name}: {glued}"


@pytest.mark.slow
def test_symbol_font_bullets_read_as_bullets(shared_dir):
    """Word's Wingdings bullets without a character map come out as "l" at a line's start or "q"
    between two columns read as one line; they showed in evidence lines ("q MCSA")."""
    pdfs = shared_dir / "datasets" / "livecareer-resumes" / "pdf"
    sales = extract((pdfs / "SALES/13348915.pdf").read_bytes(), "13348915.pdf").text
    assert "\nlPriced" in _pdfium_text(pdfs / "SALES/13348915.pdf")  # the glyph is an "l"
    assert "\u2022 Priced merchandise" in sales
    assert not re.search(r"(?m)^l [A-Z]", sales)
    it = extract((pdfs / "INFORMATION-TECHNOLOGY/10641230.pdf").read_bytes(), "10641230.pdf").text
    assert "removal \u2022 MCSA certification" in it
    assert " q " not in it


@pytest.mark.slow
def test_a_job_held_at_present_ends_when_the_file_was_saved_in_2021(shared_dir):
    """Every livecareer PDF was saved in August 2021: a job "to Current" read in 2026 had five
    years added to it. Read as intake reads it, no job runs past the day its file was saved."""
    checked = 0
    for path in _first_of_each_category(shared_dir):
        document = extract(path.read_bytes(), path.name)
        assert document.written.startswith("2021-08"), path.name
        saved = date.fromisoformat(document.written)
        for position in extract_profile(document.text, written=saved).positions:
            if position.end == "present" and re.fullmatch(r"\d{4}-\d{2}", position.start):
                year, month = (int(part) for part in position.start.split("-"))
                # Both ends counted: March to August is six months.
                assert position.months == (saved.year - year) * 12 + saved.month - month + 1
                checked += 1
    assert checked >= 10, checked
