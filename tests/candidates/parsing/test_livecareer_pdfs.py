"""Real PDFs of the livecareer set (../shared): every character read once, words kept apart.

These PDFs place each character in its own overlapping box with no space characters between
words; read box by box they came out as "S um umm mma mar ary ry". One file per category, the
first of each in labels.csv.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from candidates.parsing import extract


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


def _pdfium_characters(path: Path) -> Counter[str]:
    """The characters of the text layer in stream order, an independent reading of each page."""
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        out: Counter[str] = Counter()
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            out += _characters(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


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
