"""The recruiter workspace in the browser's terms: pages, htmx partials, tenancy, money.

Matches run through the engine's real scoring in eager Celery mode (the model is loaded once)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pypdfium2
import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from billing.selectors import balance_cents, price_per_candidate_cents
from billing.services import credit_grant
from candidates.services import candidate_correct
from matcher import scoring, vector_cache
from matcher.models import CandidateEmbedding, Decision, Match, MatchResult
from matcher.models.workspace import CandidateReveal
from matcher.services import matches as match_services
from matcher.services.matches import candidates_embed
from matcher.views import matches
from roles.models import InterviewTopic, Role, RoleSkill, Skill
from tests.candidates.factories import CandidateFactory

pytestmark = pytest.mark.django_db

ML_TEXT = """{name}
Machine Learning Engineer | {email} | +44 20 7946 0958
Summary
Machine learning engineer who trains and ships models. {pronoun} enjoys production work.
Experience
Machine Learning Engineer, Tensor Works, 2018 - present
Built PyTorch models in Python for ranking and served them on Kubernetes.
Wrote SQL pipelines and feature stores for training data.
Data Scientist, Numbers Ltd, 2015 - 2018
Python, statistics and experiments for pricing models; some SQL.
Education
MSc Computer Science, University of Leeds, 2013 - 2015
"""


@pytest.fixture
def skills() -> dict[str, Skill]:
    names = ["Python", "PyTorch", "Kubernetes", "SQL", "Rust"]
    return {n: Skill.objects.get_or_create(name=n, defaults={"category": "Tech"})[0] for n in names}


@pytest.fixture
def role(skills: dict[str, Skill]) -> Role:
    role = Role.objects.create(
        title="Machine Learning Engineer",
        slug="ml-engineer-test",
        status=Role.Status.PUBLISHED,
        summary="Builds, trains and ships machine learning models to production.",
        description="Python, PyTorch, model serving on Kubernetes, SQL for data.",
    )
    for name, weight, must in [
        ("Python", 5, True),
        ("PyTorch", 4, True),
        ("Kubernetes", 3, False),
        ("SQL", 2, False),
        ("Rust", 2, False),
    ]:
        RoleSkill.objects.create(role=role, skill=skills[name], weight=weight, must_have=must)
    InterviewTopic.objects.create(
        role=role,
        title="Systems programming",
        skill=skills["Rust"],
        questions=["Tell us about a time you chased a memory bug."],
    )
    return role


def _candidate(org, name: str, email: str, pronoun: str = "She", **extra):
    text = ML_TEXT.format(name=name, email=email, pronoun=pronoun)
    return CandidateFactory(
        organisation=org,
        name=name,
        email=email,
        text=text,
        headline="Machine Learning Engineer",
        skills=["Python", "PyTorch", "Kubernetes", "SQL"],
        profile={"name": {"value": name, "confidence": 0.9}},
        **extra,
    )


@pytest.fixture
def funded(alice_org):
    credit_grant(
        org=alice_org, cents=300, kind="trial_grant", idempotency_key="t-alice", reference="trial"
    )
    return alice_org


@pytest.fixture
def pool(alice_org):
    return [
        _candidate(alice_org, "Jane Doe", "jane@example.com"),
        _candidate(alice_org, "John Roe", "john@example.com", pronoun="He"),
    ]


@pytest.fixture
def post(client, django_capture_on_commit_callbacks, celery_eager):
    """client.post with the on-commit queueing run and the tasks run in-process."""

    def run(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return run


@pytest.fixture
def done_match(client, post, alice, funded, role, pool):
    client.force_login(alice)
    response = post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [c.pk for c in pool], **_profile(role)},
    )
    assert response.status_code == 302
    match = Match.objects.get(organisation=funded)
    assert match.status == Match.Status.DONE
    return match


def _profile(role: Role, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {}
    for rs in role.role_skills.all():
        data[f"weight_{rs.skill_id}"] = rs.weight
        if rs.must_have:
            data[f"must_{rs.skill_id}"] = "on"
        if rs.min_years:
            data[f"years_{rs.skill_id}"] = rs.min_years
    data.update(changes)
    return data


def test_the_role_pages_cta_opens_the_new_match_page_with_the_role_chosen(
    client, alice, funded, role, pool
):
    client.force_login(alice)
    response = client.get(reverse("matcher:match_new") + f"?role={role.slug}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Machine Learning Engineer" in html
    assert f'name="weight_{role.role_skills.first().skill_id}"' in html
    assert "Jane Doe" in html
    assert "$3.00" in html  # the balance, before confirming
    assert "$0.05 per candidate" in html


def test_a_pasted_job_description_becomes_a_private_role_to_review(
    client, alice, alice_org, skills
):
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_from_job_description"),
        {
            "title": "Backend ML engineer",
            "job_description": "We need an engineer.\nRequirements:\n- 5+ years of Python "
            "(required)\n- PyTorch experience is essential\nNice to have: Kubernetes, SQL.",
        },
    )
    role = Role.objects.get(organisation=alice_org)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?role_id={role.pk}")
    assert role.status == Role.Status.DRAFT
    assert client.get(response["Location"]).status_code == 200


def test_a_skill_the_ad_lists_outside_the_taxonomy_is_reviewed_and_weighed_before_the_run(
    client, post, alice, alice_org, funded, skills, pool
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
    )
    role = Role.objects.get(organisation=alice_org)
    page = client.get(response["Location"]).content.decode()
    # Shown with the taxonomy's skills, marked as read from the ad's list.
    assert "Incident command" in page
    assert 'name="weight_-1"' in page
    assert "listed in the ad" in page
    data = {**_profile(role), "weight_-1": 0}
    post(reverse("matcher:match_new"), {"role": role.pk, "candidates": [pool[0].pk], **data})
    match = Match.objects.get(organisation=funded)
    assert match.weights["skill_weights"] == {"-1": {"weight": 0}}
    evidence = {e["name"]: e for e in match.results.get().evidence}
    assert evidence["Incident command"]["weight"] == 0


def test_a_spoken_language_the_ad_requires_is_explained_and_can_be_required_on_the_page(
    client, post, alice, alice_org, funded, skills, pool
):
    """ "Fluent Spanish required" is read at weight 1 and not required, as every soft skill is:
    the review page says so beside it, and its controls make it a must-have for the match."""
    spanish = Skill.objects.create(name="Spanish", category="Spoken Languages")
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_from_job_description"),
        {
            "title": "Bilingual ML engineer",
            "job_description": "We need an engineer for our Madrid office.\nRequirements:\n"
            "- 5+ years of Python (required)\n- Fluent Spanish required\n",
        },
    )
    role = Role.objects.get(organisation=alice_org)
    read = role.role_skills.get(skill=spanish)
    assert (read.weight, read.must_have) == (1, False)

    page = client.get(response["Location"]).content.decode()
    note = f'id="skill-note-{spanish.pk}">Spoken language: weighed 1 and not required'
    assert note in page
    assert page.count('class="muted small skill-note"') == 1  # Python needs no explaining
    assert f'name="weight_{spanish.pk}" aria-label="Weight of Spanish" aria-describedby' in page

    data = _profile(role, **{f"weight_{spanish.pk}": 4, f"must_{spanish.pk}": "on"})
    post(reverse("matcher:match_new"), {"role": role.pk, "candidates": [pool[0].pk], **data})
    match = Match.objects.get(organisation=funded)
    assert match.weights["skill_weights"][str(spanish.pk)] == {"weight": 4, "must_have": True}
    evidence = {e["name"]: e for e in match.results.get().evidence}
    assert (evidence["Spanish"]["weight"], evidence["Spanish"]["must_have"]) == (4, True)


def test_a_job_description_without_known_skills_is_refused_with_a_reason(client, alice, skills):
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_from_job_description"),
        {"job_description": "We want a nice person " * 5},
    )
    assert response.status_code == 400
    assert "No known skill" in response.content.decode()


def test_running_a_match_charges_exactly_the_candidates_scored(done_match, funded, pool):
    assert MatchResult.objects.filter(match=done_match).count() == 2
    assert balance_cents(org=funded) == 300 - 2 * price_per_candidate_cents()


def test_recruiter_edits_to_the_profile_apply_to_the_match_only(
    client, post, alice, funded, role, pool
):
    client.force_login(alice)
    rust = role.role_skills.get(skill__name="Rust")
    data = _profile(role, **{f"weight_{rust.skill_id}": 5, f"must_{rust.skill_id}": "on"})
    post(reverse("matcher:match_new"), {"role": role.pk, "candidates": [pool[0].pk], **data})
    match = Match.objects.get(organisation=funded)
    assert match.weights["skill_weights"][str(rust.skill_id)] == {"weight": 5, "must_have": True}
    result = match.results.get()
    assert result.must_haves_met is False
    rust.refresh_from_db()
    assert (rust.weight, rust.must_have) == (2, False)


def test_without_enough_credit_the_match_waits_and_keeps_its_candidates(
    client, post, alice, alice_org, role, pool
):
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [c.pk for c in pool], **_profile(role)},
        follow=True,
    )
    match = Match.objects.get(organisation=alice_org)
    html = response.content.decode()
    assert match.status == Match.Status.WAITING_FOR_CREDIT
    assert match.candidates.count() == 2
    assert "Waiting for credit" in html
    assert f'class="button" href="{reverse("billing:overview")}">Buy credits' in html
    credit_grant(org=alice_org, cents=100, kind="purchase", idempotency_key="p1", reference="pack")
    post(reverse("matcher:match_resume", args=[match.pk]))
    match.refresh_from_db()
    assert match.status == Match.Status.DONE
    assert balance_cents(org=alice_org) == 100 - 2 * price_per_candidate_cents()


def test_choosing_no_candidate_is_refused_with_a_message(client, alice, funded, role):
    client.force_login(alice)
    response = client.post(reverse("matcher:match_new"), {"role": role.pk, **_profile(role)})
    assert response.status_code == 400
    assert "Choose at least one candidate" in response.content.decode()
    assert not Match.objects.exists()


def test_the_progress_partial_sends_htmx_to_the_results_when_done(client, alice, done_match):
    client.force_login(alice)
    response = client.get(
        reverse("matcher:match_status", args=[done_match.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("matcher:match_detail", args=[done_match.pk])


def test_the_results_page_ranks_with_pictures_and_their_text_alternatives(
    client, alice, done_match
):
    client.force_login(alice)
    html = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert html.count('role="img"') == 2
    assert "Show as a table" in html
    assert "Jane Doe" in html
    assert "John Roe" in html
    assert "chip-found" in html


def test_filters_narrow_the_table(client, alice, done_match, pool):
    client.force_login(alice)
    url = reverse("matcher:match_results", args=[done_match.pk])
    # The two candidates' resumes differ only in name, so the calibrated scores can both read
    # 100: the filter is under test here, not the score, so one is set apart by hand.
    MatchResult.objects.filter(match=done_match, candidate=pool[1]).update(score=40.0)
    low, high = sorted(MatchResult.objects.filter(match=done_match).values_list("score", flat=True))
    assert low < high
    between = (low + high) / 2

    def table(query: str) -> str:
        return client.get(url + query, HTTP_HX_REQUEST="true").content.decode()

    assert "1</strong> of 2" in table(f"?min_score={between}")
    rust = Skill.objects.get(name="Rust")
    assert "0</strong> of 2" in table(f"?skill={rust.pk}")
    python = Skill.objects.get(name="Python")
    assert "2</strong> of 2" in table(f"?skill={python.pk}")
    assert "2</strong> of 2" in table("?decision=none")


def test_the_drawer_shows_evidence_lines_gaps_and_interview_questions(
    client, alice, done_match, pool
):
    client.force_login(alice)
    url = reverse("matcher:match_candidate", args=[done_match.pk, pool[0].pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Built PyTorch models in Python" in html
    assert "<mark" in html
    assert "Tell us about a time you chased a memory bug." in html


def test_the_drawer_opened_on_its_own_is_a_page_with_the_same_evidence(
    client, alice, done_match, pool
):
    client.force_login(alice)
    url = reverse("matcher:match_candidate", args=[done_match.pk, pool[0].pk])

    page = client.get(url)
    drawer = client.get(url, HTTP_HX_REQUEST="true")

    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" in html
    assert 'class="card drawer-page"' in html
    assert f'href="{reverse("matcher:match_detail", args=[done_match.pk])}"' in html
    assert "Built PyTorch models in Python" in html
    assert "<html" not in drawer.content.decode()
    assert "Built PyTorch models in Python" in drawer.content.decode()
    for response in (page, drawer):
        assert "HX-Request" in response["Vary"]


TITLES_READ = "Job titles read from the resume, the latest first:"
NO_TITLE_READ = "No job title could be read from the resume"


def _drawer(client, match: Match, candidate) -> str:
    url = reverse("matcher:match_candidate", args=[match.pk, candidate.pk])
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_the_drawer_names_the_job_titles_the_title_score_read(client, alice, done_match, pool):
    client.force_login(alice)
    drawer = _drawer(client, done_match, pool[0])
    # The latest position's title comes back as the line under the name: said once.
    assert f"{TITLES_READ} “Machine Learning Engineer”, “Data Scientist”</p>" in drawer
    assert NO_TITLE_READ not in drawer


def test_the_drawer_shows_junk_titles_as_read_and_says_when_none_could_be(
    client, post, alice, funded, role
):
    client.force_login(alice)
    body = (
        "Built PyTorch models in Python and served them on Kubernetes.\n"
        "Wrote SQL pipelines and feature stores for training data.\n"
    )
    untitled = _candidate(funded, "Ann Poe", "ann@example.com")
    untitled.text = f"Ann Poe\nann@example.com | +44 20 7946 0958\nSkills\n{body}"
    untitled.save(update_fields=["text"])
    junk = _candidate(funded, "Kim Loe", "kim@example.com")
    junk.text = (
        "Kim Loe\nkim@example.com | +44 20 7946 0958\nExperience\n"
        "Auto1, Berlin, 2019 - present\n"
        f"{body}"
        "Initech, 2016 - 2019\n"
    )
    junk.save(update_fields=["text"])
    post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [untitled.pk, junk.pk], **_profile(role)},
    )
    match = Match.objects.get(organisation=funded)
    scored = MatchResult.objects.get(match=match, candidate=untitled)
    assert scored.components["title_cosine"] is None

    drawer = _drawer(client, match, untitled)
    assert f"{NO_TITLE_READ}, so job titles count as an average resume's.</p>" in drawer
    assert TITLES_READ not in drawer
    drawer = _drawer(client, match, junk)
    # An employer read where a title goes is shown as read, so a recruiter can see the misreading.
    assert f"{TITLES_READ} “Auto1”, “Initech”</p>" in drawer


def test_a_masked_candidates_drawer_shows_no_job_titles_until_unmasked(
    client, alice, done_match, pool
):
    client.force_login(alice)
    client.post(reverse("matcher:match_blind", args=[done_match.pk]), {"blind": "on"})
    drawer = _drawer(client, done_match, pool[0])
    assert "Where the score comes from" in drawer
    assert TITLES_READ not in drawer
    assert NO_TITLE_READ not in drawer
    assert "Data Scientist" not in drawer.split('id="resume-title"')[0]

    client.post(
        reverse("matcher:match_reveal", args=[done_match.pk, pool[0].pk]),
        {"reason": "invite to interview"},
    )
    assert f"{TITLES_READ} “Machine Learning Engineer”" in _drawer(client, done_match, pool[0])


def test_titles_read_again_after_the_match_are_not_shown_as_the_ones_it_scored(
    client, alice, done_match, pool
):
    client.force_login(alice)
    candidate_correct(
        candidate=pool[0], user=alice, data={"headline": "Principal Research Scientist"}
    )
    pool[0].refresh_from_db()
    reading = candidates_embed(candidates=[pool[0]])[pool[0].pk]
    assert reading.titles[0] == "Principal Research Scientist"

    drawer = _drawer(client, done_match, pool[0])
    # The titles the score compared, not the corrected headline it never read.
    assert f"{TITLES_READ} “Machine Learning Engineer”, “Data Scientist”</p>" in drawer


def test_a_result_that_kept_no_titles_shows_none_once_the_resume_is_read_again(
    client, alice, done_match, pool
):
    # Scored before results kept their titles: only the embedding row can tell, and a row stored
    # after the result may be another reading.
    client.force_login(alice)
    MatchResult.objects.filter(match=done_match).update(titles=None)
    assert f"{TITLES_READ} “Machine Learning Engineer”" in _drawer(client, done_match, pool[0])

    candidate_correct(
        candidate=pool[0], user=alice, data={"headline": "Principal Research Scientist"}
    )
    pool[0].refresh_from_db()
    candidates_embed(candidates=[pool[0]])

    drawer = _drawer(client, done_match, pool[0])
    assert TITLES_READ not in drawer
    assert NO_TITLE_READ not in drawer


def test_the_titles_stay_when_the_same_reading_is_stored_again_after_the_match(
    client, alice, done_match, pool
):
    # What a second embedder of the same upload leaves behind (ingest and the match's own task,
    # or the sweep, each embedding a file still marked parsed): the same text read the same way,
    # stored after the result with a later time.
    client.force_login(alice)
    scored = MatchResult.objects.get(match=done_match, candidate=pool[0])
    reading = CandidateEmbedding.objects.get(candidate=pool[0])
    CandidateEmbedding.objects.filter(pk=reading.pk).update(
        created_at=scored.created_at + timedelta(seconds=5)
    )

    drawer = _drawer(client, done_match, pool[0])

    assert f"{TITLES_READ} “Machine Learning Engineer”, “Data Scientist”</p>" in drawer


def test_the_ranking_partial_opened_on_its_own_lands_on_the_match_page_as_filtered(
    client, alice, done_match, pool
):
    client.force_login(alice)
    MatchResult.objects.filter(match=done_match, candidate=pool[1]).update(score=40.0)
    top = MatchResult.objects.get(match=done_match, candidate=pool[0]).score
    assert top > 50
    url = reverse("matcher:match_results", args=[done_match.pk])

    response = client.get(url, {"min_score": "50", "sort": "name", "page": "1"})

    detail = reverse("matcher:match_detail", args=[done_match.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{detail}?min_score=50&sort=name&page=1&results=1"
    assert "HX-Request" in response["Vary"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" in html
    assert 'id="results"' in html
    assert "1</strong> of 2" in html
    assert "Jane Doe" in html
    assert "John Roe" not in html.split('id="results"')[1]


def test_filtering_in_place_puts_the_filtered_page_in_the_address_bar(
    client, alice, done_match, pool
):
    client.force_login(alice)
    MatchResult.objects.filter(match=done_match, candidate=pool[1]).update(score=40.0)
    url = reverse("matcher:match_results", args=[done_match.pk])

    response = client.get(url, {"min_score": "50", "sort": "name"}, HTTP_HX_REQUEST="true")

    pushed = response["HX-Push-Url"]
    detail = reverse("matcher:match_detail", args=[done_match.pk])
    assert pushed == f"{detail}?min_score=50&sort=name&results=1"
    # What a reload or the back button then asks for: the whole page, filtered the same way.
    html = client.get(pushed).content.decode()
    assert "<html" in html
    assert "1</strong> of 2" in html
    assert "John Roe" not in html.split('id="results"')[1]


def test_the_progress_partial_opened_on_its_own_lands_on_the_match_page(client, alice, done_match):
    client.force_login(alice)

    response = client.get(reverse("matcher:match_status", args=[done_match.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("matcher:match_detail", args=[done_match.pk])
    assert "HX-Request" in response["Vary"]


def test_the_role_search_partial_opened_on_its_own_lands_on_the_new_match_page(client, alice, role):
    client.force_login(alice)
    url = reverse("matcher:match_role_search")

    response = client.get(url, {"q": "Machine Learning"})
    fragment = client.get(url, {"q": "Machine Learning"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert response["Location"] == reverse("matcher:match_new") + "?q=Machine+Learning"
    page = client.get(response["Location"]).content.decode()
    assert "<h1>New match</h1>" in page
    assert f"?role={role.slug}" in page
    assert "<html" not in fragment.content.decode()
    assert f"?role={role.slug}" in fragment.content.decode()
    assert client.get(url)["Location"] == reverse("matcher:match_new")


def test_a_pool_larger_than_the_picker_can_be_matched_whole(
    client, post, alice, funded, role, pool, monkeypatch
):

    monkeypatch.setattr(matches, "POOL_PICKER_LIMIT", 1)
    client.force_login(alice)
    page = client.get(reverse("matcher:match_new") + f"?role={role.slug}").content.decode()
    assert 'name="whole_pool"' in page
    assert "all 2 candidates" in page

    post(reverse("matcher:match_new"), {"role": role.pk, "whole_pool": "on", **_profile(role)})

    match = Match.objects.get(organisation=funded)
    assert match.status == Match.Status.DONE
    assert set(match.candidates.values_list("pk", flat=True)) == {c.pk for c in pool}


def test_the_whole_pool_option_is_not_offered_when_the_picker_lists_everyone(
    client, alice, funded, role, pool
):
    client.force_login(alice)
    page = client.get(reverse("matcher:match_new") + f"?role={role.slug}").content.decode()
    assert 'name="whole_pool"' not in page


def test_a_decision_is_recorded_with_who_and_audited(client, alice, done_match, pool):
    client.force_login(alice)
    url = reverse("matcher:match_decide", args=[done_match.pk, pool[0].pk])
    response = client.post(url, {"decision": "shortlist", "note": "Strong PyTorch"})
    decision = Decision.objects.get(match=done_match, candidate=pool[0])
    assert response.status_code == 302
    assert (decision.decision, decision.note, decision.decided_by) == (
        "shortlist",
        "Strong PyTorch",
        alice,
    )
    assert AuditEvent.objects.filter(action="match.decision", actor_email=alice.email).exists()
    results = reverse("matcher:match_results", args=[done_match.pk])
    table = client.get(results + "?decision=shortlist", HTTP_HX_REQUEST="true").content.decode()
    assert "1</strong> of 2" in table


def test_reweighting_reranks_for_free(client, alice, done_match, funded, pool):
    client.force_login(alice)
    before = balance_cents(org=funded)
    rust = Skill.objects.get(name="Rust")
    data = {f"weight_{s['skill_id']}": s["weight"] for s in done_match.role_snapshot["skills"]}
    data[f"must_{rust.pk}"] = "on"
    response = client.post(
        reverse("matcher:match_reweight", args=[done_match.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert not MatchResult.objects.filter(match=done_match, must_haves_met=True).exists()
    assert balance_cents(org=funded) == before


def test_a_skill_weighted_0_in_the_browser_is_not_kept_as_a_must_have(
    client, alice, done_match, pool
):
    client.force_login(alice)
    rust = Skill.objects.get(name="Rust")
    data = {f"weight_{s['skill_id']}": s["weight"] for s in done_match.role_snapshot["skills"]}
    data[f"weight_{rust.pk}"] = "0"
    data[f"must_{rust.pk}"] = "on"
    response = client.post(
        reverse("matcher:match_reweight", args=[done_match.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    done_match.refresh_from_db()
    assert done_match.weights["skill_weights"][str(rust.pk)] == {"weight": 0, "must_have": False}
    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert not re.search(rf'name="must_{rust.pk}"[^>]*checked', page)


def test_each_parts_weight_is_set_in_the_browser_and_an_api_weight_between_steps_stays(
    client, alice, done_match, pool
):
    client.force_login(alice)
    url = reverse("matcher:match_reweight", args=[done_match.pk])
    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    for key in ("semantic", "title", "lexical", "skills"):
        assert f'name="component_{key}"' in page
    assert '<option value="1" selected>as learned</option>' in page

    client.post(url, {"component_semantic": "0", "component_title": "1"}, HTTP_HX_REQUEST="true")

    done_match.refresh_from_db()
    assert done_match.weights["semantic"] == 0
    assert "title" not in done_match.weights  # left as shown: nothing to change
    result = MatchResult.objects.filter(match=done_match).first()
    assert result is not None
    assert result.weights["semantic"] == 0
    assert scoring.contributions(result.components, result.weights)["semantic"] == 0
    page = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert re.search(
        r'name="component_semantic".*?<option value="0" selected>not at all</option>', page, re.S
    )

    # 1.3 times the learned weight, set over the API, shows as "as learned" and survives a
    # re-rank of something else.
    api_weight = round(1.3 * scoring.DEFAULT_WEIGHTS["lexical"], 4)
    Match.objects.filter(pk=done_match.pk).update(weights={"lexical": api_weight})
    done_match.refresh_from_db()
    client.post(url, {"component_lexical": "1", "component_semantic": "1"}, HTTP_HX_REQUEST="true")
    done_match.refresh_from_db()
    assert done_match.weights["lexical"] == api_weight


def test_a_junior_title_is_explained_and_its_step_reweighted_in_the_browser(
    client, post, alice, funded, role, pool
):
    client.force_login(alice)
    junior = CandidateFactory(
        organisation=funded,
        name="Sam Poe",
        email="sam@example.com",
        # The title the matcher reads is the resume's own, not intake's headline.
        text=ML_TEXT.format(name="Sam Poe", email="sam@example.com", pronoun="They").replace(
            "Machine Learning Engineer, Tensor", "Junior Machine Learning Engineer, Tensor"
        ),
        headline="Junior Machine Learning Engineer",
        skills=["Python", "PyTorch", "Kubernetes", "SQL"],
        profile={"name": {"value": "Sam Poe", "confidence": 0.9}},
    )
    post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [pool[0].pk, junior.pk], **_profile(role)},
    )
    match = Match.objects.get(organisation=funded)
    lowered = MatchResult.objects.get(match=match, candidate=junior)
    regular = MatchResult.objects.get(match=match, candidate=pool[0])
    assert lowered.components["level_gap"] == 1
    assert regular.components["level_gap"] == 0
    drawer_url = reverse("matcher:match_candidate", args=[match.pk, junior.pk])
    drawer = client.get(drawer_url, HTTP_HX_REQUEST="true").content.decode()
    assert "more junior than the role" in drawer
    # The points shown add up to the score, the level's among them.
    points = scoring.contributions(lowered.components, lowered.weights)
    assert sum(points.values()) == pytest.approx(lowered.score, abs=0.05)
    assert points["level"] < 0
    taken = round(-points["level"])
    assert f"took {taken} point{'' if taken == 1 else 's'} off" in drawer
    assert "Where the score comes from" in drawer
    page = client.get(reverse("matcher:match_detail", args=[match.pk])).content.decode()
    assert 'name="level"' in page

    before = lowered.score
    client.post(reverse("matcher:match_reweight", args=[match.pk]), {"level": "0"})
    match.refresh_from_db()
    lowered.refresh_from_db()
    assert match.weights["level"] == 0
    assert lowered.weights["level"] == 0
    # A near-verbatim resume sits where the calibration flattens (99.9 either way): the level's
    # part is what must be gone.
    assert lowered.score >= before
    assert scoring.contributions(lowered.components, lowered.weights)["level"] == 0
    drawer = client.get(drawer_url, HTTP_HX_REQUEST="true").content.decode()
    assert "more junior than the role" not in drawer


def test_blind_review_masks_the_table_the_drawer_and_the_export(client, alice, done_match, pool):
    client.force_login(alice)
    client.post(reverse("matcher:match_blind", args=[done_match.pk]), {"blind": "on"})
    html = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert "Jane Doe" not in html
    assert "Candidate A" in html
    drawer = client.get(
        reverse("matcher:match_candidate", args=[done_match.pk, pool[0].pk]),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Jane" not in drawer
    assert "jane@example.com" not in drawer
    assert "They enjoys" in drawer
    export = b"".join(
        client.get(reverse("matcher:match_export_csv", args=[done_match.pk])).streaming_content
    ).decode()
    assert "Jane" not in export
    assert "jane@example.com" not in export


def test_unmasking_a_candidate_is_logged_and_shows_only_that_one(client, alice, done_match, pool):
    client.force_login(alice)
    client.post(reverse("matcher:match_blind", args=[done_match.pk]), {"blind": "on"})
    client.post(
        reverse("matcher:match_reveal", args=[done_match.pk, pool[0].pk]),
        {"reason": "invite to interview"},
    )
    assert CandidateReveal.objects.filter(candidate=pool[0], user=alice).exists()
    event = AuditEvent.objects.get(action="candidate.unmasked")
    assert event.detail["reason"] == "invite to interview"
    html = client.get(reverse("matcher:match_detail", args=[done_match.pk])).content.decode()
    assert "Jane Doe" in html
    assert "John Roe" not in html


def test_the_csv_export_lists_the_ranking_with_evidence_and_decisions(
    client, alice, done_match, pool
):
    client.force_login(alice)
    client.post(
        reverse("matcher:match_decide", args=[done_match.pk, pool[1].pk]), {"decision": "hold"}
    )
    response = client.get(reverse("matcher:match_export_csv", args=[done_match.pk]))
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Type"].startswith("text/csv")
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert {r["candidate"] for r in rows} == {"Jane Doe", "John Roe"}
    held = next(r for r in rows if r["candidate"] == "John Roe")
    assert held["decision"] == "hold"
    assert held["decided_by"] == "alice@example.com"
    assert "Python:" in held["evidence"]


def test_the_pdf_report_is_a_pdf_of_the_match(client, alice, done_match):

    client.force_login(alice)
    response = client.get(reverse("matcher:match_export_pdf", args=[done_match.pk]))
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = document[0].get_textpage().get_text_range()
    assert "Machine Learning Engineer" in text
    assert "Jane Doe" in text


def _ranking(client, match: Match) -> str:
    url = reverse("matcher:match_results", args=[match.pk])
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def _exports(client, match: Match) -> tuple[list[dict[str, str]], str]:
    response = client.get(reverse("matcher:match_export_csv", args=[match.pk]))
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    pdf = pypdfium2.PdfDocument(
        client.get(reverse("matcher:match_export_pdf", args=[match.pk])).content
    )
    # Table cells wrap their words over lines.
    text = " ".join("".join(page.get_textpage().get_text_range() for page in pdf).split())
    return list(csv.DictReader(io.StringIO(body))), text


def test_a_role_without_a_must_have_says_so_rather_than_all_met(
    client, post, alice, funded, role, pool
):
    RoleSkill.objects.filter(role=role).update(must_have=False)
    client.force_login(alice)
    post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [c.pk for c in pool], **_profile(role)},
    )
    match = Match.objects.get(organisation=funded)
    # The stored flag (and the API's) stays true: nothing required is missing.
    assert list(match.results.values_list("must_haves_met", flat=True)) == [True, True]

    table = _ranking(client, match)
    assert table.count("No must-haves set") == 2
    assert "All met" not in table
    drawer = _drawer(client, match, pool[0])
    assert "no must-haves set" in drawer
    assert "missing must-haves" not in drawer
    rows, pdf = _exports(client, match)
    assert [r["must_haves_met"] for r in rows] == ["none set", "none set"]
    assert "None set" in pdf
    assert "All met" not in pdf


def test_must_haves_all_weighted_0_leave_nothing_to_meet(client, alice, done_match, pool):
    client.force_login(alice)
    assert _ranking(client, done_match).count("✓ All met") == 2
    rows, pdf = _exports(client, done_match)
    assert [r["must_haves_met"] for r in rows] == ["yes", "yes"]
    assert "All met" in pdf
    data = {f"weight_{s['skill_id']}": s["weight"] for s in done_match.role_snapshot["skills"]}
    for s in done_match.role_snapshot["skills"]:
        if s["must_have"]:
            data[f"weight_{s['skill_id']}"] = "0"
            data[f"must_{s['skill_id']}"] = "on"

    client.post(
        reverse("matcher:match_reweight", args=[done_match.pk]), data, HTTP_HX_REQUEST="true"
    )

    table = _ranking(client, done_match)
    assert table.count("No must-haves set") == 2
    assert "All met" not in table
    assert "no must-haves set" in _drawer(client, done_match, pool[0])


@pytest.mark.parametrize(
    "name",
    [
        "match_detail",
        "match_status",
        "match_results",
        "match_export_csv",
        "match_export_pdf",
    ],
)
def test_another_organisation_gets_a_404_for_every_match_page(client, charlie, done_match, name):
    client.force_login(charlie)
    url = reverse(f"matcher:{name}", args=[done_match.pk])
    # Asked by htmx or opened on its own: a partial redirects to its page only after the lookup.
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_another_organisation_cannot_decide_or_unmask(client, charlie, done_match, pool):
    client.force_login(charlie)
    args = [done_match.pk, pool[0].pk]
    assert (
        client.post(reverse("matcher:match_decide", args=args), {"decision": "reject"}).status_code
        == 404
    )
    assert client.post(reverse("matcher:match_reveal", args=args)).status_code == 404
    assert client.get(reverse("matcher:match_candidate", args=args)).status_code == 404
    assert not Decision.objects.exists()


def test_a_candidate_of_another_organisation_is_never_put_in_a_match(
    client, alice, funded, role, charlie_org, celery_eager
):
    foreign = _candidate(charlie_org, "Carl Other", "carl@example.org")
    client.force_login(alice)
    response = client.post(
        reverse("matcher:match_new"),
        {"role": role.pk, "candidates": [foreign.pk], **_profile(role)},
    )
    assert response.status_code == 400
    assert not Match.objects.exists()


def test_the_roles_that_fit_a_candidate_are_ranked_by_skill_coverage(
    client, alice, alice_org, role, skills
):
    other = Role.objects.create(title="Rust Developer", slug="rust-dev", status="published")
    RoleSkill.objects.create(role=other, skill=skills["Rust"], weight=5, must_have=True)
    RoleSkill.objects.create(role=other, skill=skills["Python"], weight=1)
    candidate = _candidate(alice_org, "Jane Doe", "jane@example.com")
    client.force_login(alice)
    html = client.get(reverse("matcher:candidate_roles", args=[candidate.pk])).content.decode()
    assert html.index("Machine Learning Engineer") < html.index("Rust Developer")


def test_the_organisation_default_starts_new_matches_blind(
    client, alice, alice_org, funded, role, pool, celery_eager
):
    client.force_login(alice)
    client.post(reverse("matcher:blind_default"), {"blind": "on"})
    html = client.get(reverse("matcher:match_new") + f"?role={role.slug}").content.decode()
    assert 'name="blind" checked' in html
    assert AuditEvent.objects.filter(action="workspace.blind_default_changed").exists()


def test_the_dashboard_lists_recent_matches(client, alice, done_match):
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Recent matches" in html
    assert reverse("matcher:match_detail", args=[done_match.pk]) in html


def test_a_reading_another_worker_stored_meanwhile_is_kept_not_written_again(pool, monkeypatch):
    """Two workers may embed the same upload at once (the intake chunk and a match's own task,
    or the sweep): the second keeps the first's row, leaving the vectors and the organisation's
    vector cache alone."""
    candidate = pool[0]
    first = candidates_embed(candidates=[candidate])[candidate.pk]
    stored_at = first.created_at - timedelta(hours=1)
    CandidateEmbedding.objects.filter(pk=first.pk).delete()
    real = match_services._embed_batch_or_each

    def meanwhile(batch, inputs, broken):
        made = real(batch, inputs, broken)
        # The other worker stores the same reading while this one was running the model.
        first.pk, first.created_at = None, stored_at
        first.save()
        return made

    monkeypatch.setattr(match_services, "_embed_batch_or_each", meanwhile)
    version = vector_cache.pool_version(candidate.organisation_id)
    kept = candidates_embed(candidates=[candidate])[candidate.pk]
    assert kept.created_at == stored_at
    assert CandidateEmbedding.objects.get(candidate=candidate).created_at == stored_at
    assert vector_cache.pool_version(candidate.organisation_id) == version
