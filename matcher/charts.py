"""The results page's pictures as server-rendered SVG: pure functions, no Django, no JavaScript.

Each chart carries a <title> and <desc> (read by screen readers through aria-labelledby), and
each comes with the numbers it draws (`HistogramBin`, `coverage_rows`) so the page can offer the
same information as a table. Colours follow the tiers of `matcher.scoring`, and every colour is
paired with a pattern, a glyph or a label, never the only carrier of meaning.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from matcher.scoring import whole_score

STRONG_COLOUR = "#157a4c"
POSSIBLE_COLOUR = "#b06b00"
WEAK_COLOUR = "#a23a3a"
INK = "#1d2433"
MUTED = "#6b7385"
LINE = "#dde2ea"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

# Evidence statuses in the heatmap: fill, and the glyph drawn on top for people who cannot tell
# the colours apart.
CELL_STYLE = {
    "found": ("#157a4c", "\u2713"),
    "partial": ("#6fbf95", "\u2713"),
    "missing": ("#f3d6d6", "\u2715"),
    "unknown": ("#e5e8ee", "?"),
}

_ids = itertools.count(1)


def _uid(prefix: str) -> str:
    # Several charts share a page: their title/desc ids must not collide.
    return f"{prefix}-{next(_ids)}"


def _a(value: object) -> str:
    return escape(str(value), quote=True)


# --- Score distribution ------------------------------------------------------------------------

# Best first, the order of the legend, of the table and of a bar's segments from the axis up.
TIERS = ("strong", "possible", "weak")
TIER_LABELS = {"strong": "Strong", "possible": "Possible", "weak": "Weak"}
TIER_COLOURS = {"strong": STRONG_COLOUR, "possible": POSSIBLE_COLOUR, "weak": WEAK_COLOUR}
# Stripes drawn over a tier's colour, so that a reader who cannot tell amber, red and green apart
# still tells the segments apart: Strong plain, Possible striped one way, Weak crossed.
TIER_STRIPES = {"strong": (), "possible": ("M0,6 L6,0",), "weak": ("M0,6 L6,0", "M0,0 L6,6")}


@dataclass(frozen=True)
class HistogramBin:
    """A score band and how many candidates in it have each tier. A tier is the result's own,
    not the band's: a score high enough for Strong that misses a must-have counts as Possible."""

    low: int
    high: int
    strong: int = 0
    possible: int = 0
    weak: int = 0

    @property
    def label(self) -> str:
        return f"{self.low}\u2013{self.high}"

    @property
    def count(self) -> int:
        return self.strong + self.possible + self.weak

    def by_tier(self) -> list[tuple[str, int]]:
        """(tier, candidates) for each tier present in the band, best first."""
        counts = {"strong": self.strong, "possible": self.possible, "weak": self.weak}
        return [(tier, counts[tier]) for tier in TIERS if counts[tier]]


def score_bins(scored: Iterable[tuple[float, str]], *, width: int = 10) -> list[HistogramBin]:
    """(score 0-100, tier) pairs counted in bins of `width` points, by tier; 100 falls in the
    last bin."""
    if width <= 0 or 100 % width:
        raise ValueError("the bin width must divide 100")
    n = 100 // width
    counts = [dict.fromkeys(TIERS, 0) for _ in range(n)]
    for score, tier in scored:
        if tier not in TIER_LABELS:
            raise ValueError(f"unknown tier {tier!r}")
        value = min(max(float(score), 0.0), 100.0)
        counts[min(int(value // width), n - 1)][tier] += 1
    return [
        HistogramBin(low=i * width, high=(i + 1) * width, **tiers) for i, tiers in enumerate(counts)
    ]


def _candidates(count: int) -> str:
    return f"{count} candidate{'s' if count != 1 else ''}"


def _in_words(counts: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{count} {TIER_LABELS[tier]}" for tier, count in counts)


def histogram_description(bins: Sequence[HistogramBin]) -> str:
    """The chart in words, for screen readers: the tiers overall, then each band's."""
    total = sum(b.count for b in bins)
    if not total:
        return "0 candidates. No scores yet."
    overall = [(tier, sum(getattr(b, tier) for b in bins)) for tier in TIERS]
    bands = [f"{b.label}: {_in_words(b.by_tier())}" for b in bins if b.count]
    return (
        f"{_candidates(total)} by score, each coloured by the tier the ranking gives it: "
        f"{_in_words([(t, c) for t, c in overall if c])}. " + "; ".join(bands) + "."
    )


def _nice_ceiling(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _count_axis(top_count: int, *, left: int, top: int, plot_h: int, x_end: int) -> list[str]:
    """Gridlines and their counts, at whole numbers only."""
    out = []
    for step in range(5):
        value = top_count * step / 4
        if step and value != int(value):
            continue
        y = top + plot_h - plot_h * step / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{x_end}" y2="{y:.1f}" stroke="{LINE}"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{int(value)}</text>"
        )
    return out


def _tier_fills() -> tuple[list[str], dict[str, str]]:
    """The <defs> of the tiers' striped fills, and each tier's fill. The ids are the chart's
    own: another chart on the page must not paint with them."""
    defs, fills = [], {}
    for tier in TIERS:
        colour = TIER_COLOURS[tier]
        if not TIER_STRIPES[tier]:
            fills[tier] = colour
            continue
        pid = _uid(f"tier-{tier}")
        lines = "".join(
            f'<path d="{d}" stroke="#ffffff" stroke-width="1.2" stroke-opacity="0.75"/>'
            for d in TIER_STRIPES[tier]
        )
        defs.append(
            f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{lines}</pattern>'
        )
        fills[tier] = f"url(#{pid})"
    return ([f"<defs>{''.join(defs)}</defs>"] if defs else []), fills


def _legend(fills: dict[str, str], *, left: int, y: int) -> list[str]:
    out = []
    x = left
    for tier in TIERS:
        out.append(
            f'<g class="legend-{tier}"><rect x="{x}" y="{y - 9}" width="11" height="11" rx="2" '
            f'fill="{fills[tier]}"/>'
            f'<text x="{x + 15}" y="{y}" fill="{INK}">{TIER_LABELS[tier]}</text></g>'
        )
        x += 26 + round(6.5 * len(TIER_LABELS[tier]))
    return out


def _bars(
    bins: Sequence[HistogramBin],
    top_count: int,
    fills: dict[str, str],
    *,
    left: int,
    top: int,
    plot_h: int,
    bar_w: float,
) -> list[str]:
    """A bar per band, stacked from the axis up by tier, its count on top and its label below."""
    out = []
    for i, b in enumerate(bins):
        x = left + i * bar_w + 2
        y = float(top + plot_h)
        for tier, count in b.by_tier():
            h = plot_h * count / top_count if top_count else 0.0
            y -= h
            # A thin white edge between segments keeps two stacked tiers two shapes.
            out.append(
                f'<rect class="bar bar-{tier}" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" '
                f'height="{h:.1f}" fill="{fills[tier]}" stroke="#ffffff" stroke-width="0.75">'
                f"<title>{_a(b.label)}: {_candidates(count)}, {TIER_LABELS[tier]}</title></rect>"
            )
        if b.count:
            out.append(
                f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'fill="{INK}" font-weight="600">{b.count}</text>'
            )
        out.append(
            f'<text x="{left + i * bar_w + bar_w / 2:.1f}" y="{top + plot_h + 15}" '
            f'text-anchor="middle" fill="{MUTED}">{_a(b.label)}</text>'
        )
    return out


def histogram_svg(
    bins: Sequence[HistogramBin],
    *,
    title: str = "Score distribution",
    description: str | None = None,
    width: int = 480,
    height: int = 236,
    marker: float | None = None,
    marker_label: str = "",
) -> str:
    """Bars of candidates per score band, each split by the tier its candidates have, with a
    legend; `marker` draws a dashed line at a score (the minimum-score filter, for instance)."""
    if description is None:
        description = histogram_description(bins)
    tid, did = _uid("chart-title"), _uid("chart-desc")
    left, right, top, bottom = 40, 12, 30, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    top_count = _nice_ceiling(max((b.count for b in bins), default=0))
    bar_w = plot_w / max(len(bins), 1)
    defs, fills = _tier_fills()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{tid} {did}" '
        f'class="chart chart-histogram" font-family="{_a(FONT)}" font-size="11">',
        f'<title id="{tid}">{_a(title)}</title>',
        f'<desc id="{did}">{_a(description)}</desc>',
        *defs,
    ]
    out += _legend(fills, left=left, y=12)
    out += _count_axis(top_count, left=left, top=top, plot_h=plot_h, x_end=width - right)
    out += _bars(bins, top_count, fills, left=left, top=top, plot_h=plot_h, bar_w=bar_w)
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
    )
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" '
        f'fill="{MUTED}">Score</text>'
    )
    if marker is not None and 0 <= marker <= 100:
        x = left + plot_w * marker / 100
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{INK}" '
            f'stroke-dasharray="4 3"/>'
        )
        if marker_label:
            out.append(
                f'<text x="{x + 4:.1f}" y="{top + 10}" fill="{INK}">{_a(marker_label)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


# --- Skill coverage heatmap -------------------------------------------------------------------


@dataclass(frozen=True)
class HeatColumn:
    label: str
    must_have: bool = False
    weight: int = 3


@dataclass(frozen=True)
class HeatCell:
    status: str  # "found", "partial" (found, fewer years than asked), "missing", "unknown"
    note: str = ""


@dataclass(frozen=True)
class HeatRow:
    label: str
    score: float
    cells: Sequence[HeatCell]


def cell_status(status: str, credit: float | None = None) -> str:
    """The heatmap's status for one piece of evidence: found with too few years is "partial"."""
    if status == "found" and credit is not None and credit < 1.0:
        return "partial"
    return status if status in CELL_STYLE else "unknown"


def coverage_rows(
    columns: Sequence[HeatColumn], rows: Sequence[HeatRow]
) -> list[tuple[str, int, int]]:
    """Per skill: (label, candidates who show it, candidates shown), the table beside the map."""
    out = []
    for j, column in enumerate(columns):
        found = sum(
            1 for r in rows if j < len(r.cells) and r.cells[j].status in ("found", "partial")
        )
        out.append((column.label, found, len(rows)))
    return out


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _heat_rows(
    columns: Sequence[HeatColumn],
    rows: Sequence[HeatRow],
    *,
    x0: int,
    header: int,
    cell: int,
    label_width: int,
) -> list[str]:
    """A row per candidate: the name, the score, and a cell per skill."""
    score_w = x0 - label_width
    out = []
    for i, row in enumerate(rows):
        y = header + i * cell
        out.append(
            f'<text x="{label_width - 8}" y="{y + cell / 2 + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{_a(_truncate(row.label, 26))}</text>'
        )
        out.append(
            f'<text x="{label_width + score_w - 6}" y="{y + cell / 2 + 4:.1f}" text-anchor="end" '
            f'fill="{INK}" font-weight="600">{whole_score(row.score)}</text>'
        )
        for j, c in enumerate(row.cells[: len(columns)]):
            fill, glyph = CELL_STYLE.get(c.status, CELL_STYLE["unknown"])
            x = x0 + j * cell
            glyph_fill = "#ffffff" if c.status in ("found",) else INK
            note = f": {c.note}" if c.note else ""
            out.append(
                f"<g><title>{_a(row.label)} \u2014 {_a(columns[j].label)}: {_a(c.status)}"
                f"{_a(note)}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                f'fill="{fill}"/>'
                f'<text x="{x + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="middle" '
                f'fill="{glyph_fill}" font-size="12">{glyph}</text></g>'
            )
    return out


def _heat_legend(legend_y: int) -> list[str]:
    out = []
    x = 0
    for status, text in (
        ("found", "found"),
        ("partial", "found, fewer years than asked"),
        ("missing", "not found"),
        ("unknown", "unreadable"),
    ):
        fill, glyph = CELL_STYLE[status]
        out.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" rx="2" fill="{fill}"/>'
            f'<text x="{x + 16}" y="{legend_y}" fill="{MUTED}">{glyph} {_a(text)}</text>'
        )
        # Room for the glyph and the words at 11px, so that no legend entry runs into the next.
        x += round(40 + 6.5 * len(text))
    out.append(f'<text x="{x}" y="{legend_y}" fill="{MUTED}">* must-have</text>')
    return out


def heatmap_svg(
    columns: Sequence[HeatColumn],
    rows: Sequence[HeatRow],
    *,
    title: str = "Skill coverage",
    description: str | None = None,
    cell: int = 26,
    label_width: int = 170,
) -> str:
    """Candidates (rows, best first) by role skills (columns, must-haves marked with *)."""
    if description is None:
        summary = coverage_rows(columns, rows)
        parts = [f"{label}: {found} of {total}" for label, found, total in summary]
        description = (
            f"Which of the role's {len(columns)} skills each of the top {len(rows)} candidates "
            "shows. " + "; ".join(parts)
        )
    tid, did = _uid("chart-title"), _uid("chart-desc")
    header = 118
    score_w = 44
    # Room on the right for the last rotated label, and at least the legend's width.
    width = max(label_width + score_w + cell * max(len(columns), 1) + 70, 600)
    height = header + cell * max(len(rows), 1) + 34
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{tid} {did}" '
        f'class="chart chart-heatmap" font-family="{_a(FONT)}" font-size="11">',
        f'<title id="{tid}">{_a(title)}</title>',
        f'<desc id="{did}">{_a(description)}</desc>',
    ]
    x0 = label_width + score_w
    for j, column in enumerate(columns):
        x = x0 + j * cell + cell / 2
        label = _truncate(column.label, 20) + (" *" if column.must_have else "")
        weight = "700" if column.must_have else "400"
        out.append(
            f'<text transform="translate({x + 4:.1f},{header - 6}) rotate(-55)" fill="{INK}" '
            f'font-weight="{weight}"><title>{_a(column.label)}'
            f"{' (must-have)' if column.must_have else ''}, weight {column.weight}</title>"
            f"{_a(label)}</text>"
        )
    out.append(
        f'<text x="{label_width + score_w - 6}" y="{header - 6}" text-anchor="end" '
        f'fill="{MUTED}">Score</text>'
    )
    out += _heat_rows(columns, rows, x0=x0, header=header, cell=cell, label_width=label_width)
    legend_y = header + cell * max(len(rows), 1) + 20
    out += _heat_legend(legend_y)
    out.append("</svg>")
    return "".join(out)
