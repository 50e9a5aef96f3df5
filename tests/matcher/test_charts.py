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
    scored = [0, 9.9, 10, 55, 99.5, 100, 100]
    bins = score_bins([(s, "possible") for s in scored])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert bins[0].label == "0\u201310"


def test_a_demoted_result_is_counted_under_its_own_tier_not_its_bands() -> None:
    """A 78 missing a must-have is Possible in the table: the 70s bar must say so too."""
    bins = score_bins([(78, "possible"), (74, "strong"), (71, "strong"), (40, "possible")])
    seventies = bins[7]
    assert (seventies.strong, seventies.possible, seventies.weak) == (2, 1, 0)
    assert seventies.by_tier() == [("strong", 2), ("possible", 1)]
    assert bins[4].by_tier() == [("possible", 1)]


def test_a_tier_the_ranking_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tier"):
        score_bins([(80, "good")])


def test_a_bin_width_that_does_not_divide_a_hundred_is_refused() -> None:
    with pytest.raises(ValueError, match="divide 100"):
        score_bins([(50, "possible")], width=7)


def test_the_histogram_is_valid_svg_with_a_title_and_a_description() -> None:
    bins = score_bins([(12, "weak"), (48, "possible"), (51, "possible"), (80, "strong")])
    svg = histogram_svg(bins, title="Scores <for> ML")
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Scores <for> ML"
    assert desc is not None
    assert "4 candidates" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def _segments(svg: str) -> list[tuple[str, str]]:
    """Each bar segment drawn: (its class, its tooltip)."""
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    return [
        (rect.get("class", ""), rect.findtext(f"{SVG}title", ""))
        for rect in root.iter(f"{SVG}rect")
        if "bar" in rect.get("class", "").split()
    ]


def test_a_demoted_result_is_drawn_and_described_under_its_tier() -> None:
    bins = score_bins([(78, "possible"), (74, "strong"), (12, "weak")])
    svg = histogram_svg(bins, marker=40, marker_label="min 40")
    assert _segments(svg) == [
        ("bar bar-weak", "10\u201320: 1 candidate, Weak"),
        ("bar bar-strong", "70\u201380: 1 candidate, Strong"),
        ("bar bar-possible", "70\u201380: 1 candidate, Possible"),
    ]
    desc = ET.fromstring(svg).findtext(f"{SVG}desc")  # noqa: S314 - our own SVG
    assert desc == (
        "3 candidates by score, each coloured by the tier the ranking gives it: 1 Strong, "
        "1 Possible, 1 Weak. 10\u201320: 1 Weak; 70\u201380: 1 Strong, 1 Possible."
    )
    assert "min 40" in svg


def test_the_histogram_names_its_tiers_in_a_legend_and_not_by_colour_alone() -> None:
    root = ET.fromstring(histogram_svg(score_bins([(78, "possible")])))  # noqa: S314
    legend = [
        (g.get("class"), g.findtext(f"{SVG}text"), g.find(f"{SVG}rect").get("fill"))
        for g in root.iter(f"{SVG}g")
        if g.get("class", "").startswith("legend-")
    ]
    assert [(cls, text) for cls, text, _ in legend] == [
        ("legend-strong", "Strong"),
        ("legend-possible", "Possible"),
        ("legend-weak", "Weak"),
    ]
    fills = {cls: fill for cls, _, fill in legend}
    # Possible and Weak are striped over their colour (a pattern), so no two tiers differ by
    # hue alone; the segments wear the legend's fills.
    assert fills["legend-strong"].startswith("#")
    assert fills["legend-possible"].startswith("url(#")
    assert fills["legend-weak"].startswith("url(#")
    assert len(set(fills.values())) == 3
    (segment,) = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar bar-possible"]
    assert segment.get("fill") == fills["legend-possible"]


def test_two_histograms_on_one_page_do_not_share_their_pattern_ids() -> None:
    first, second = (histogram_svg(score_bins([])) for _ in range(2))

    def ids(svg: str) -> set[str]:
        root = ET.fromstring(svg)  # noqa: S314 - our own SVG
        return {p.get("id", "") for p in root.iter(f"{SVG}pattern")}

    assert ids(first)
    assert not ids(first) & ids(second)


def test_an_empty_histogram_still_renders() -> None:
    root = ET.fromstring(histogram_svg(score_bins([])))  # noqa: S314 - our own SVG
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "No scores yet" in (desc.text or "")
    assert not _segments(histogram_svg(score_bins([])))


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
