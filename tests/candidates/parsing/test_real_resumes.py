"""The 65 anonymised DOCX resumes of the vacancy-resume-matching dataset (../shared).

Each must parse with its whole text, checked against an independent reading of the raw XML;
each of 100 words or more must yield at least five taxonomy skills; and a report of how often
each profile field is filled goes to test-artifacts/ for people to read.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from candidates.parsing import extract
from candidates.parsing.profile import extract_positions, extract_profile
from roles.taxonomy import SkillMatcher

ROOT = Path(__file__).resolve().parents[3]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
TOKEN = re.compile(r"\w+")


def _resumes(shared_dir: Path) -> list[Path]:
    folder = shared_dir / "datasets" / "vacancy-resume-matching" / "CV"
    files = sorted(folder.glob("*.docx"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0)
    assert len(files) == 65, f"expected 65 resumes in {folder}, found {len(files)}"
    return files


def _compact(text: str) -> str:
    """Text with all whitespace and invisible characters removed, for order-aware comparison
    that does not care how either side laid out spaces, tabs and line breaks."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s\u00ad\u200b\ufeff]+", "", text)


def _raw_xml_paragraphs(path: Path) -> list[str]:
    """Every paragraph of every text part, its w:t read straight from the XML: a second,
    independent way to get the text. Runs join, so words Word split across runs are whole."""
    paragraphs = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not TEXT_PARTS.match(name):
                continue
            root = etree.fromstring(package.read(name))
            for paragraph in root.iter(f"{W}p"):
                if any(a.tag == FALLBACK for a in paragraph.iterancestors()):
                    continue  # the VML copy of a text box already counted in mc:Choice
                runs = [
                    t.text or ""
                    for t in paragraph.iter(f"{W}t")
                    if next(t.iterancestors(f"{W}p")) is paragraph
                ]
                if _compact("".join(runs)):
                    paragraphs.append("".join(runs))
    return paragraphs


def _taxonomy_matcher() -> SkillMatcher:
    folder = ROOT / "roles" / "data" / "skills"
    files = sorted(folder.glob("*.tsv"))
    assert files, f"the skills taxonomy is missing under {folder}"
    entries = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
        for row in rows[1:]:
            if row and row[0].strip():
                aliases = [a for a in (row[2].split("|") if len(row) > 2 else []) if a.strip()]
                entries.append((len(entries) + 1, row[0].strip(), aliases))
    return SkillMatcher(entries)


@pytest.fixture
def parsed(shared_dir):
    return {path: extract(path.read_bytes(), path.name) for path in _resumes(shared_dir)}


def test_every_real_resume_parses_with_its_whole_text(parsed):
    lost = {}
    total = 0
    for path, document in parsed.items():
        assert document.kind == "docx"
        text = _compact(document.text)
        paragraphs = _raw_xml_paragraphs(path)
        total += len(paragraphs)
        # pdfminer's "(cid:205)" placeholders, left by a PDF-to-Word conversion, are no text.
        missing = [p for p in paragraphs if _compact(re.sub(r"\(cid:\d+\)", "", p)) not in text]
        if missing:
            lost[path.name] = [p[:80] for p in missing[:3]]
    assert lost == {}
    assert total >= 65 * 5  # the comparison really looked at the paragraphs


def test_every_real_resume_of_100_words_yields_at_least_five_skills(parsed):
    matcher = _taxonomy_matcher()
    short = {}
    for path, document in parsed.items():
        if document.word_count < 100:
            continue
        names = {s.name for s in extract_profile(document.text, matcher).skills}
        if len(names) < 5:
            short[path.name] = sorted(names)
    assert short == {}


FIELDS = ("name", "email", "phone", "location", "years_experience")
LISTS = ("links", "skills", "positions", "education", "languages")


def test_it_reports_profile_fill_rates_for_the_real_resumes(parsed, artifacts_dir):
    matcher = _taxonomy_matcher()
    today = date(2023, 6, 1)  # around when the dataset was published
    filled: Counter[str] = Counter()
    confidence: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for document in parsed.values():
        profile = extract_profile(document.text, matcher, today=today).to_dict()
        for name in FIELDS:
            if profile[name]["value"] not in (None, ""):
                filled[name] += 1
                confidence[name] += profile[name]["confidence"]
        for name in LISTS:
            if profile[name]:
                filled[name] += 1
                counts[name] += len(profile[name])
                confidence[name] += sum(i["confidence"] for i in profile[name]) / len(profile[name])
    total = len(parsed)
    lines = [
        f"Profile fill rates over {total} real DOCX resumes "
        "(../shared/datasets/vacancy-resume-matching/CV; names and contacts are anonymised "
        "there, so name/email/phone are expected to be low).",
        "",
        f"{'field':<18}{'filled':>8}{'rate':>8}{'mean conf.':>12}{'items/resume':>14}",
    ]
    for name in FIELDS + LISTS:
        n = filled[name]
        mean_conf = confidence[name] / n if n else 0.0
        items = f"{counts[name] / n:.1f}" if name in LISTS and n else "-"
        lines.append(f"{name:<18}{n:>8}{n / total:>8.0%}{mean_conf:>12.2f}{items:>14}")
    report = artifacts_dir / "profile_fill_rates.txt"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert report.read_text(encoding="utf-8").count("\n") == len(lines)
    # Every real resume names skills. About a quarter give no dated job at all (students,
    # course lists, single years), so experience is found for most but not all.
    assert filled["skills"] == total
    assert filled["years_experience"] >= 0.7 * total


def test_the_positions_alone_are_the_profiles_positions(parsed):
    """Ranking reads a masked copy's positions without the rest of its profile
    (`extract_positions`): they must be the very positions the whole profile reads."""
    matcher = _taxonomy_matcher()
    today, written = date(2023, 6, 1), date(2021, 3, 9)
    compared = 0
    for document in parsed.values():
        for day in (None, written):
            whole = extract_profile(document.text, matcher, today=today, written=day).positions
            assert extract_positions(document.text, today=today, written=day) == whole
            compared += len(whole)
    assert compared >= 65  # the resumes really have positions to compare


def test_the_resume_whose_words_were_split_reads_its_skills_and_dates(shared_dir):
    # CV 36, a Word file converted from a PDF, reads "Skills: J ava, J ava 8 , T ypeScript" and
    # "December 2 019 - p resent": no skill of its list and no job's dates until its words were
    # joined again (`split_words`).
    path = next(p for p in _resumes(shared_dir) if p.stem == "36")
    text = extract(path.read_bytes(), path.name).text
    assert "Spring, Spring Boot, NodeJs, Apache Camel" in text
    assert "I was responsible for building the backend" in text
    skills = {hit.name for hit in _taxonomy_matcher().find(text)}
    assert {"Java", "Spring Boot", "Kubernetes", "Docker", "Jenkins", "MongoDB"} <= skills
    positions = extract_positions(text)
    assert [p.start for p in positions][:2] == ["2019-12", "2019-06"]
    # Its dates are followed by the job's tools, its titles a line above (`_is_tool_list`).
    assert "Engineer" in positions[0].title
    assert "Java Developer" in [p.title for p in positions]
