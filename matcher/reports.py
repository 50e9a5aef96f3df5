"""A match as a printable PDF report (reportlab): the ranking, each candidate's evidence, the
decisions. Pure: it takes plain dataclasses, so the view decides what may be shown (blind review,
tenancy) and this module only lays it out.

Fonts are the Bitstream Vera faces that ship inside reportlab, so accented names and the
typographic characters of real resumes print on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from matcher.charts import TIER_LABELS, TIERS, HistogramBin
from matcher.scoring import whole_score

# Candidates past this rank appear in the ranking table but without their evidence pages: a
# report of thousands stays printable.
DETAILED_CANDIDATES = 50

BRAND = colors.HexColor("#2f5bea")
INK = colors.HexColor("#1d2433")
MUTED = colors.HexColor("#6b7385")
LINE = colors.HexColor("#dde2ea")
TIER_COLOURS = {
    "strong": colors.HexColor("#157a4c"),
    "possible": colors.HexColor("#b06b00"),
    "weak": colors.HexColor("#a23a3a"),
}
STATUS_TEXT = {"found": "Found", "missing": "Not found", "unknown": "Unreadable"}


@dataclass
class ReportEvidence:
    skill: str
    status: str
    must_have: bool = False
    line: str = ""
    years: float | None = None
    min_years: int | None = None


@dataclass
class ReportRow:
    rank: int
    label: str
    score: float
    tier: str
    years: str = ""
    must_haves_met: bool = True
    must_haves_set: bool = True
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_must_haves: list[str] = field(default_factory=list)
    evidence: list[ReportEvidence] = field(default_factory=list)
    decision: str = ""
    decision_note: str = ""
    decided_by: str = ""
    decided_at: str = ""
    # Where the score comes from: (label, points) adding up to the score, and the same in words.
    points: list[tuple[str, float]] = field(default_factory=list)
    explanation: str = ""


@dataclass
class MatchReport:
    title: str
    role_title: str
    organisation: str
    created_at: str
    generated_at: str
    blind: bool
    rows: Sequence[ReportRow]
    bins: Sequence[HistogramBin] = ()
    skills: Sequence[str] = ()
    filters: str = ""
    reproducibility: str = ""
    weighting: str = ""


_fonts_ready = False


def _fonts() -> tuple[str, str]:
    global _fonts_ready
    if not _fonts_ready:
        folder = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont("RMVera", str(folder / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("RMVeraBold", str(folder / "VeraBd.ttf")))
        pdfmetrics.registerFontFamily("RMVera", normal="RMVera", bold="RMVeraBold")
        _fonts_ready = True
    return "RMVera", "RMVeraBold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()["Normal"]
    body = ParagraphStyle("rm-body", parent=base, fontName=regular, fontSize=9, leading=12)
    return {
        "body": body,
        "small": ParagraphStyle("rm-small", parent=body, fontSize=7.5, leading=9.5),
        "muted": ParagraphStyle("rm-muted", parent=body, textColor=MUTED),
        "title": ParagraphStyle(
            "rm-title", parent=body, fontName=bold, fontSize=18, leading=22, spaceAfter=4
        ),
        "h2": ParagraphStyle(
            "rm-h2",
            parent=body,
            fontName=bold,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            textColor=INK,
        ),
        "h3": ParagraphStyle("rm-h3", parent=body, fontName=bold, fontSize=10, leading=13),
        "cell": ParagraphStyle("rm-cell", parent=body, fontSize=8, leading=10),
        "right": ParagraphStyle(
            "rm-right", parent=body, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a mini-markup: resume text must be escaped, never interpreted.

    return Paragraph(escape(str(text)), style)


def _chart(bins: Sequence[HistogramBin]) -> Drawing:
    """Candidates by score band, each bar stacked by the tier its candidates have (as the
    results page draws it), with a legend naming the tiers."""
    regular, _ = _fonts()
    drawing = Drawing(170 * mm, 58 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 8 * mm
    chart.width, chart.height = 150 * mm, 36 * mm
    chart.categoryAxis.style = "stacked"
    chart.data = [[getattr(b, tier) for b in bins] for tier in TIERS]
    chart.categoryAxis.categoryNames = [b.label for b in bins]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((b.count for b in bins), default=0)
    chart.valueAxis.valueMax = max(top, 1)
    chart.valueAxis.valueStep = max(1, round(max(top, 1) / 4))
    chart.bars.strokeColor = colors.white
    chart.bars.strokeWidth = 0.5
    for i, tier in enumerate(TIERS):
        chart.bars[i].fillColor = TIER_COLOURS[tier]
    chart.barSpacing = 2
    drawing.add(chart)
    drawing.add(String(0, 54 * mm, "Candidates by score and tier", fontName=regular, fontSize=8))
    legend = Legend()
    legend.x, legend.y = 70 * mm, 56.5 * mm
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = regular, 7
    legend.dx = legend.dy = 7
    legend.deltax = 22 * mm
    legend.colorNamePairs = [(TIER_COLOURS[tier], TIER_LABELS[tier]) for tier in TIERS]
    drawing.add(legend)
    return drawing


def _footer(canvas: Any, doc: Any) -> None:
    regular, _ = _fonts()
    canvas.saveState()
    canvas.setFont(regular, 7)
    canvas.setFillColor(MUTED)
    canvas.drawString(15 * mm, 10 * mm, "RoleMatch ranks and explains. People decide.")
    canvas.drawRightString(
        195 * mm,
        10 * mm,
        f"Page {doc.page}",
    )
    canvas.restoreState()


def _ranking_table(rows: Sequence[ReportRow], s: dict[str, ParagraphStyle]) -> Table:
    header = [
        "#",
        "Candidate",
        "Score",
        "Tier",
        "Years",
        "Must-haves",
        "Top matched",
        "Missing",
        "Decision",
    ]
    data: list[list[object]] = [[_p(h, s["cell"]) for h in header]]
    for row in rows:
        data.append(
            [
                _p(row.rank, s["cell"]),
                _p(row.label, s["cell"]),
                _p(whole_score(row.score), s["right"]),
                _p(row.tier.title(), s["cell"]),
                _p(row.years or "\u2014", s["cell"]),
                _p(_must_haves(row), s["cell"]),
                _p(", ".join(row.matched[:4]), s["cell"]),
                _p(", ".join(row.missing[:4]), s["cell"]),
                _p(row.decision.title() if row.decision else "\u2014", s["cell"]),
            ]
        )
    widths = [8 * mm, 31 * mm, 11 * mm, 15 * mm, 11 * mm, 19 * mm, 36 * mm, 32 * mm, 17 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f7fa")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, row in enumerate(rows, start=1):
        style.append(("TEXTCOLOR", (3, i), (3, i), TIER_COLOURS.get(row.tier, INK)))
    table.setStyle(TableStyle(style))
    return table


def _must_haves(row: ReportRow) -> str:
    # As the results table says it: how many, not only whether.
    if not row.must_haves_set:
        return "None set"
    if row.must_haves_met:
        return "All met"
    count = len(row.missing_must_haves)
    return f"{count} missing" if count else "Missing"


def years_against_asked(years: float | None, min_years: int, *, found: bool = True) -> str:
    """A skill's years beside the role's minimum, in words the drawer uses too."""
    asked = f"{min_years} year{'s' if min_years != 1 else ''} asked"
    if not found:
        return asked
    if years is None:
        return f"years not stated ({asked})"
    return f"{years:g} year{'s' if years != 1 else ''} ({asked})"


def _evidence_block(row: ReportRow, s: dict[str, ParagraphStyle]) -> list[object]:
    heading = f"{row.rank}. {row.label} \u2014 {whole_score(row.score)} ({row.tier})"
    parts: list[object] = [_p(heading, s["h3"])]
    if row.decision:
        who = f" by {row.decided_by}" if row.decided_by else ""
        when = f" on {row.decided_at}" if row.decided_at else ""
        note = f": {row.decision_note}" if row.decision_note else ""
        parts.append(_p(f"Decision: {row.decision.title()}{who}{when}{note}", s["muted"]))
    if row.points:
        shares = " \u00b7 ".join(f"{label} {value:+.1f}" for label, value in row.points)
        parts.append(_p(f"Points: {shares} = {row.score:.1f}", s["muted"]))
    if row.explanation:
        parts.append(_p(row.explanation, s["muted"]))
    data: list[list[object]] = []
    for e in row.evidence:
        skill = e.skill + (" (must-have)" if e.must_have else "")
        status = STATUS_TEXT.get(e.status, e.status)
        if e.min_years:
            found = e.status == "found"
            status += f" \u00b7 {years_against_asked(e.years, e.min_years, found=found)}"
        data.append([_p(skill, s["cell"]), _p(status, s["cell"]), _p(e.line or "", s["small"])])
    if data:
        table = Table(data, colWidths=[42 * mm, 28 * mm, 110 * mm])
        style = [
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ]
        for i, e in enumerate(row.evidence):
            if e.status == "missing" and e.must_have:
                style.append(("TEXTCOLOR", (0, i), (1, i), TIER_COLOURS["weak"]))
        table.setStyle(TableStyle(style))
        parts.append(table)
    parts.append(Spacer(1, 4 * mm))
    return parts


def _report_heading(report: MatchReport, s: dict[str, ParagraphStyle]) -> list[object]:
    """The title, what was run and when, and whether names are masked or results filtered."""
    story: list[object] = [
        _p(report.title, s["title"]),
        _p(
            f"{report.organisation} \u00b7 role: {report.role_title} \u00b7 run {report.created_at}"
            f" \u00b7 printed {report.generated_at}",
            s["muted"],
        ),
    ]
    if report.blind:
        story.append(
            _p(
                "Blind review: names, contact details, addresses, dates of birth, gendered words "
                "and graduation years are masked in this report.",
                s["body"],
            )
        )
    if report.filters:
        story.append(_p(f"Filters: {report.filters}", s["muted"]))
    if report.weighting:
        story.append(_p(f"Ranking: {report.weighting}", s["muted"]))
    story.append(HRFlowable(width="100%", color=LINE, spaceBefore=4, spaceAfter=4))
    return story


def match_report_pdf(report: MatchReport) -> bytes:
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=report.title,
        author="RoleMatch",
        subject=f"Match report: {report.role_title}",
    )
    story = _report_heading(report, s)
    decided = sum(1 for r in report.rows if r.decision)
    story.append(
        _p(
            f"{len(report.rows)} candidates ranked; {decided} with a decision. Scores are 0-100; "
            "tiers group them (strong, possible, weak) and never exclude anyone.",
            s["body"],
        )
    )
    if report.bins and any(b.count for b in report.bins):
        story += [Spacer(1, 3 * mm), _chart(report.bins)]
    story += [_p("Ranking", s["h2"]), _ranking_table(report.rows, s)]
    detailed = list(report.rows[:DETAILED_CANDIDATES])
    if detailed:
        story += [CondPageBreak(60 * mm), _p("Evidence, skill by skill", s["h2"])]
        if len(report.rows) > DETAILED_CANDIDATES:
            story.append(
                _p(
                    f"The first {DETAILED_CANDIDATES} candidates are detailed; export the CSV for "
                    "the evidence of every candidate.",
                    s["muted"],
                )
            )
        for row in detailed:
            story.append(KeepTogether(_evidence_block(row, s)))
    if report.reproducibility:
        story += [Spacer(1, 4 * mm), _p(report.reproducibility, s["small"])]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
