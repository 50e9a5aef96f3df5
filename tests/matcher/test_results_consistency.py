"""The results page, its exports and the drawer tell the same story: the same scores, the same
filters, the same words for the same facts. Found by a recruiter's tour on real resumes."""

from __future__ import annotations

import csv
import re

import pypdfium2
import pytest
from django.urls import reverse

from matcher import scoring
from matcher.models import Decision, Match, MatchResult
from matcher.selectors.workspace import match_score_bins
from matcher.services.workspace import decision_make
from tests.api.conftest import bearer
from tests.matcher.test_workspace_views import (  # noqa: F401 - fixtures
    _candidate,
    _profile,
    done_match,
    funded,
    pool,
    post,
    role,
    skills,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _pdf_text(client, match, **query: str) -> str:
    pdf = client.get(reverse("matcher:match_export_pdf", args=[match.pk]), query).content
    document = pypdfium2.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    # Table cells wrap their words over lines.
    return " ".join(text.split())


def _export_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="(export-csv|export-pdf)" href="([^"]*)"', html))


def _shortlist_jane(done_match, alice, pool):  # noqa: F811
    decision_make(
        match=done_match,
        candidate=pool[0],
        user=alice,
        decision=Decision.Kind.SHORTLIST,
        note="",
    )


def test_filtering_the_table_brings_back_export_links_with_the_same_filters(
    client,
    done_match,  # noqa: F811
    alice,
    pool,  # noqa: F811
):
    _shortlist_jane(done_match, alice, pool)
    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert _export_links(page) == {
        "export-csv": reverse("matcher:match_export_csv", args=[done_match.pk]),
        "export-pdf": reverse("matcher:match_export_pdf", args=[done_match.pk]),
    }
    assert "hx-swap-oob" not in page

    table = client.get(
        reverse("matcher:match_results", args=[done_match.pk]), {"decision": "shortlist"}, **HTMX
    ).content.decode()

    links = _export_links(table)
    assert links["export-csv"].endswith("export.csv?decision=shortlist")
    assert links["export-pdf"].endswith("report.pdf?decision=shortlist")
    assert table.count('hx-swap-oob="true"') == 2
    csv_body = b"".join(client.get(links["export-csv"]).streaming_content).decode()
    assert "Jane Doe" in csv_body
    assert "John Roe" not in csv_body


def test_re_ranking_keeps_the_filters_shown_beside_the_table(
    client,
    done_match,  # noqa: F811
    alice,
    pool,  # noqa: F811
    role,  # noqa: F811
):
    _shortlist_jane(done_match, alice, pool)
    rust = role.role_skills.get(skill__name="Rust")
    # What htmx posts: the weights, and the filters form it includes.
    data = {**_profile(role), f"weight_{rust.skill_id}": 5, "decision": "shortlist"}

    table = client.post(
        reverse("matcher:match_reweight", args=[done_match.pk]), data, **HTMX
    ).content.decode()

    assert "1</strong> of 2 candidates" in table
    assert "Jane Doe" in table
    assert "John Roe" not in table
    assert _export_links(table)["export-csv"].endswith("?decision=shortlist")
    done_match.refresh_from_db()
    assert done_match.weights["skill_weights"][str(rust.skill_id)]["weight"] == 5


def test_a_half_point_score_reads_the_same_in_the_table_the_chart_and_the_pdf(
    client,
    done_match,  # noqa: F811
    pool,  # noqa: F811
):
    MatchResult.objects.filter(match=done_match, candidate=pool[0]).update(
        score=38.5, tier="possible"
    )
    MatchResult.objects.filter(match=done_match, candidate=pool[1]).update(score=12.0, tier="weak")

    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    text = _pdf_text(client, done_match)

    assert '<span class="score score-possible" title="Possible">39</span>' in page
    assert 'font-weight="600">39</text>' in page  # the skill-coverage chart's score column
    assert "Jane Doe \u2014 39 (possible)" in text
    assert "Jane Doe \u2014 38 (possible)" not in text


@pytest.mark.parametrize(
    ("score", "must_haves_met", "tier"),
    [
        (29.49, True, "weak"),
        (29.5, True, "possible"),
        (69.49, True, "possible"),
        (69.5, True, "strong"),
        (69.5, False, "possible"),
    ],
)
def test_a_tier_follows_the_whole_score_shown_beside_it(score, must_haves_met, tier):
    assert scoring.tier_for(score, must_haves_met=must_haves_met) == tier
    shown = scoring.whole_score(score)
    assert (shown >= scoring.POSSIBLE_AT) == (tier != "weak")


def test_a_minimum_score_keeps_every_candidate_shown_at_or_above_it(
    client,
    done_match,  # noqa: F811
    pool,  # noqa: F811
):
    MatchResult.objects.filter(match=done_match, candidate=pool[0]).update(score=29.6)
    MatchResult.objects.filter(match=done_match, candidate=pool[1]).update(score=29.4)

    html = client.get(
        reverse("matcher:match_results", args=[done_match.pk]), {"min_score": "30"}, **HTMX
    ).content.decode()

    assert "Jane Doe" in html  # shown as 30
    assert "John Roe" not in html  # shown as 29


def test_the_pdf_counts_the_missing_must_haves_as_the_table_does(
    client,
    post,  # noqa: F811
    done_match,  # noqa: F811
    role,  # noqa: F811
):
    rust = role.role_skills.get(skill__name="Rust")
    data = _profile(role, **{f"weight_{rust.skill_id}": 5, f"must_{rust.skill_id}": "on"})
    post(reverse("matcher:match_reweight", args=[done_match.pk]), data)

    table = client.get(
        reverse("matcher:match_results", args=[done_match.pk]), **HTMX
    ).content.decode()
    text = _pdf_text(client, done_match)

    assert table.count("✕ 1 missing") == 2
    assert text.count("1 missing") == 2
    assert "All met" not in text


def test_the_drawer_and_the_pdf_say_plainly_when_a_resume_gives_no_years_for_a_skill(
    client,
    done_match,  # noqa: F811
    pool,  # noqa: F811
):
    result = MatchResult.objects.get(match=done_match, candidate=pool[0])
    evidence = []
    for e in result.evidence:
        if e["name"] == "Python":
            e = {**e, "status": "found", "min_years": 1, "years": None}
        elif e["name"] == "PyTorch":
            e = {**e, "status": "found", "min_years": 2, "years": 5.0}
        evidence.append(e)
    result.evidence = evidence
    result.save(update_fields=["evidence"])

    drawer = client.get(
        reverse("matcher:match_candidate", args=[done_match.pk, pool[0].pk]), **HTMX
    ).content.decode()
    text = _pdf_text(client, done_match)

    assert "years not stated (1 year asked)" in drawer
    assert "5 years (2 years asked)" in drawer
    assert "? of" not in drawer
    assert "years not stated (1 year asked)" in text
    assert "5 years (2 years asked)" in text


def test_the_page_says_what_each_tier_means(client, done_match):  # noqa: F811
    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert "<strong>Strong</strong>, 70 or more with every must-have met" in page
    assert "<strong>Possible</strong>, 30 or more" in page
    assert "<strong>Weak</strong>, under 30" in page


def test_a_pasted_job_description_counts_the_skills_the_profile_then_lists(
    client,
    alice,
    alice_org,
    skills,  # noqa: F811
):
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_from_job_description"),
        {
            "title": "Backend ML engineer",
            "job_description": "We need an engineer for our clinics' booking platform.\n"
            "Requirements:\n- 5+ years of Python (required)\n- Incident command\n"
            "- PyTorch experience is essential",
        },
        follow=True,
    )
    page = response.content.decode()
    rows = re.findall(r'name="weight_(-?\d+)"', page)
    assert len(rows) == 3  # Python and PyTorch from the taxonomy, "Incident command" as listed
    assert "We read 3 skills from the job description." in page


def test_sorting_by_name_follows_the_names_the_table_shows(
    client,
    post,  # noqa: F811
    alice,
    alice_org,
    funded,  # noqa: F811
    role,  # noqa: F811
):
    named = _candidate(alice_org, "Mary Major", "mary@example.com", file_name="mm.pdf")
    nameless = _candidate(alice_org, "", "z@example.com", file_name="zulu-cv.pdf")
    early = _candidate(alice_org, "", "a@example.com", file_name="Alpha-resume.docx")
    client.force_login(alice)
    post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [nameless.pk, named.pk, early.pk], **_profile(role)},
    )
    match = Match.objects.get(organisation=funded)
    url = reverse("matcher:match_results", args=[match.pk])

    table = client.get(url, {"sort": "name"}, **HTMX).content.decode()
    shown = re.findall(r"data-drawer-open>([^<]+)</a>", table)
    assert shown == ["Alpha-resume.docx", "Mary Major", "zulu-cv.pdf"]

    # Under blind review the letters are the names: sorted by them, not by the hidden ones.
    Match.objects.filter(pk=match.pk).update(blind=True)
    table = client.get(url, {"sort": "name"}, **HTMX).content.decode()
    shown = re.findall(r"data-drawer-open>([^<]+)</a>", table)
    assert shown == ["Candidate A", "Candidate B", "Candidate C"]


def test_a_skill_weighted_0_is_neither_a_must_have_nor_a_gap_in_the_drawer_and_the_pdf(
    client,
    post,  # noqa: F811
    done_match,  # noqa: F811
    pool,  # noqa: F811
    role,  # noqa: F811
):
    drawer_url = reverse("matcher:match_candidate", args=[done_match.pk, pool[0].pk])
    before = client.get(drawer_url, **HTMX).content.decode()
    assert "Tell us about a time you chased a memory bug." in before  # Rust, missing, is a gap
    rust = role.role_skills.get(skill__name="Rust")
    python = role.role_skills.get(skill__name="Python")
    post(
        reverse("matcher:match_reweight", args=[done_match.pk]),
        _profile(role, **{f"weight_{rust.skill_id}": 0, f"weight_{python.skill_id}": 0}),
    )

    drawer = client.get(drawer_url, **HTMX).content.decode()
    text = _pdf_text(client, done_match)

    assert "Tell us about a time you chased a memory bug." not in drawer
    assert "Gaps to probe in interview" not in drawer
    assert drawer.count("weight 0: not counted") == 2
    python_item = drawer[drawer.index("<strong>Python</strong>") :][:200]
    assert "must-have" not in python_item
    assert "Python (must-have)" not in text
    assert "PyTorch (must-have)" in text


def _order(text: str, names: tuple[str, ...] = ("Jane Doe", "John Roe")) -> list[str]:
    return sorted(names, key=text.index)


def test_of_two_candidates_showing_the_same_score_the_one_meeting_the_must_haves_comes_first(
    client,
    alice,
    alice_org,
    done_match,  # noqa: F811
    pool,  # noqa: F811
):
    # Jane's hidden decimals are higher, but she misses a must-have: both read 99.
    MatchResult.objects.filter(match=done_match, candidate=pool[0]).update(
        score=98.8, must_haves_met=False, tier="possible"
    )
    MatchResult.objects.filter(match=done_match, candidate=pool[1]).update(
        score=98.6, must_haves_met=True, tier="strong"
    )
    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    table = page[page.index("<tbody") :]
    csv_body = b"".join(
        client.get(reverse("matcher:match_export_csv", args=[done_match.pk])).streaming_content
    ).decode()
    worst_first = client.get(
        reverse("matcher:match_results", args=[done_match.pk]), {"sort": "-score"}, **HTMX
    ).content.decode()
    api = bearer(alice, alice_org)
    listed = api.get(f"/api/v1/matches/{done_match.pk}/results/").json()["results"]
    listed_up = api.get(f"/api/v1/matches/{done_match.pk}/results/?ordering=score").json()

    assert _order(table) == ["John Roe", "Jane Doe"]
    assert _order(csv_body) == ["John Roe", "Jane Doe"]
    assert _order(_pdf_text(client, done_match)) == ["John Roe", "Jane Doe"]
    assert [r["candidate"]["id"] for r in listed] == [pool[1].pk, pool[0].pk]
    assert _order(worst_first[worst_first.index("<tbody") :]) == ["Jane Doe", "John Roe"]
    assert [r["candidate"]["id"] for r in listed_up["results"]] == [pool[0].pk, pool[1].pk]


def test_the_must_haves_break_only_a_tie_of_the_whole_score_shown():
    lower_met = scoring.rank_key(97.4, must_haves_met=True)  # reads 97
    missing = scoring.rank_key(98.6, must_haves_met=False)  # reads 99
    met = scoring.rank_key(98.5, must_haves_met=True)  # reads 99 too

    assert sorted([lower_met, missing, met]) == [met, missing, lower_met]


def test_the_histogram_counts_each_score_where_the_table_prints_it(
    done_match,  # noqa: F811
    pool,  # noqa: F811
):
    results = list(MatchResult.objects.filter(match=done_match))
    assert len(results) >= 2
    # Just under a bin's edge: the table prints 30 and 70, so the bars must count 30s and 70s.
    MatchResult.objects.filter(pk=results[0].pk).update(score=29.6)
    MatchResult.objects.filter(pk=results[1].pk).update(score=69.5)
    bins = {b.low: b.count for b in match_score_bins(match=done_match)}
    others = [scoring.whole_score(r.score) for r in results[2:]]
    assert bins[30] == 1 + sum(30 <= s < 40 for s in others)
    assert bins[70] == 1 + sum(70 <= s < 80 for s in others)
    assert bins[20] == sum(20 <= s < 30 for s in others)
    assert bins[60] == sum(60 <= s < 70 for s in others)


def test_the_histogram_counts_a_demoted_result_under_the_tier_the_table_prints(
    client,
    done_match,  # noqa: F811
    alice,
    pool,  # noqa: F811
):
    """A score high enough for Strong that misses a must-have is Possible in the table: the
    chart and its table count it there, not under the band's Strong."""
    MatchResult.objects.filter(match=done_match).update(score=12.0, tier=scoring.WEAK)
    demoted = MatchResult.objects.filter(match=done_match, candidate=pool[0])
    tier = scoring.tier_for(84.0, must_haves_met=False)
    assert tier == scoring.POSSIBLE
    demoted.update(score=84.0, must_haves_met=False, tier=tier)

    eighties = {b.low: b for b in match_score_bins(match=done_match)}[80]
    assert (eighties.strong, eighties.possible, eighties.weak) == (0, 1, 0)

    client.force_login(alice)
    html = client.get(
        reverse("matcher:match_detail", args=[done_match.pk]), {"results": "1"}
    ).content.decode()
    assert "Possible</span>" in html  # the ranking's own word for the row
    assert "80\u201390: 1 candidate, Possible" in html
    assert "80\u201390: 1 candidate, Strong" not in html
    row = '<tr><th scope="row">80\u201390</th><td>0</td><td>1</td><td>0</td><td>1</td></tr>'
    assert row in html  # Strong, Possible, Weak, all
    assert "the ranking gives it: 1 Possible, 1 Weak." in html


def test_exports_say_whether_and_how_the_ranking_was_reweighted(
    client,
    done_match,  # noqa: F811
    alice,
    pool,  # noqa: F811
):
    client.force_login(alice)
    csv_url = reverse("matcher:match_export_csv", args=[done_match.pk])

    def csv_rows() -> list[dict[str, str]]:
        body = b"".join(client.get(csv_url).streaming_content).decode().lstrip("\ufeff")
        return list(csv.DictReader(body.splitlines()))

    learned = "As learned, with the role's own skill profile."
    assert {row["ranking"] for row in csv_rows()} == {learned}
    assert learned in _pdf_text(client, done_match)

    skill = done_match.role_snapshot["skills"][0]
    data = {f"weight_{s['skill_id']}": s["weight"] for s in done_match.role_snapshot["skills"]}
    data[f"weight_{skill['skill_id']}"] = "0"
    data["component_semantic"] = "0"
    client.post(reverse("matcher:match_reweight", args=[done_match.pk]), data, **HTMX)

    said = {row["ranking"] for row in csv_rows()}
    assert len(said) == 1
    (text,) = said
    assert text.startswith("Re-weighted by the recruiter: ")
    assert "what the resume is about (meaning) not counted" in text
    assert f"{skill['name']}: weight 0 (role {skill['weight']})" in text
    pdf = _pdf_text(client, done_match)
    assert "Ranking: Re-weighted by the recruiter" in pdf
    assert "not counted" in pdf
