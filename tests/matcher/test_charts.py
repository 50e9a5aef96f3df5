"""The results page's SVG charts (matcher.charts): pure, no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from matcher.charts import (
    HeatCell,
    HeatColumn,
    HeatRow,
    cell_status,
    coverage_rows,
    heatmap_svg,
    histogram_svg,
    score_bins,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_scores_fall_in_ten_point_bins_with_a_hundred_in_the_last() -> None:
    bins = score_bins([0, 9.9, 10, 55, 99.5, 100, 100])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert bins[0].label == "0\u201310"


def test_bins_take_the_tier_of_their_middle() -> None:
    tiers = [b.tier for b in score_bins([], possible_at=45, strong_at=68)]
    assert tiers[:4] == ["weak"] * 4
    assert tiers[4:6] == ["possible", "possible"]
    assert tiers[6] == "possible"
    assert tiers[7] == "strong"


def test_a_bin_width_that_does_not_divide_a_hundred_is_refused() -> None:
    with pytest.raises(ValueError, match="divide 100"):
        score_bins([50], width=7)


def test_the_histogram_is_valid_svg_with_a_title_and_a_description() -> None:
    svg = histogram_svg(score_bins([12, 48, 51, 80]), title="Scores <for> ML")
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Scores <for> ML"
    assert desc is not None
    assert "4 candidates" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_histogram_draws_one_bar_per_bin_and_the_marker() -> None:
    svg = histogram_svg(score_bins([12, 48]), marker=40, marker_label="min 40")
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 10
    assert "min 40" in svg


def test_an_empty_histogram_still_renders() -> None:
    root = ET.fromstring(histogram_svg(score_bins([])))  # noqa: S314 - our own SVG
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "No scores yet" in (desc.text or "")


def _heat() -> tuple[list[HeatColumn], list[HeatRow]]:
    columns = [HeatColumn("Python", must_have=True, weight=5), HeatColumn("Kubernetes")]
    rows = [
        HeatRow("Candidate A", 81, [HeatCell("found"), HeatCell("partial", "2 of 3 years")]),
        HeatRow("Candidate <B>", 40, [HeatCell("missing"), HeatCell("unknown")]),
    ]
    return columns, rows


def test_the_heatmap_has_one_cell_per_candidate_and_skill() -> None:
    columns, rows = _heat()
    root = ET.fromstring(heatmap_svg(columns, rows))  # noqa: S314 - our own SVG
    cells = list(root.iter(f"{SVG}g"))
    assert len(cells) == 4
    labels = [t.text for g in cells for t in g.findall(f"{SVG}title")]
    assert "Candidate <B> \u2014 Python: missing" in labels
    assert "Candidate A \u2014 Kubernetes: partial: 2 of 3 years" in labels


def test_the_heatmap_marks_must_haves_and_carries_a_glyph_besides_colour() -> None:
    columns, rows = _heat()
    svg = heatmap_svg(columns, rows)
    assert "Python *" in svg
    assert "\u2713" in svg
    assert "\u2715" in svg
    assert ">?<" in svg


def test_coverage_rows_count_who_shows_each_skill() -> None:
    columns, rows = _heat()
    assert coverage_rows(columns, rows) == [("Python", 1, 2), ("Kubernetes", 1, 2)]


def test_found_with_too_few_years_reads_as_partial() -> None:
    assert cell_status("found", 1.0) == "found"
    assert cell_status("found", 0.6) == "partial"
    assert cell_status("missing", 0.0) == "missing"
    assert cell_status("bogus") == "unknown"
