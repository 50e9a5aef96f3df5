"""The match pipeline with real credits: reserve, score, charge per candidate, release, redo."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from billing.models import Reservation, ReservationCharge
from billing.selectors import balance_cents, price_per_candidate_cents
from billing.services import credit_grant
from candidates.models import Document
from candidates.services import candidate_correct
from matcher import embeddings, ranker, ranking, scoring, vector_cache
from matcher.models import CandidateEmbedding, Decision, Match, MatchResult
from matcher.selectors.matches import decision_history, match_progress, match_results
from matcher.services import matches as matching
from matcher.services.matches import (
    MatchError,
    candidate_embed,
    match_create,
    match_resume,
    match_reweight,
    match_score,
)
from matcher.services.workspace import decision_make
from tests.candidates.factories import CandidateFactory, DocumentFactory
from tests.roles.factories import make_role

pytestmark = pytest.mark.slow

FIT = """Ada Lovelace
Senior Backend Engineer
Experience
Senior Backend Engineer, Analytical Engines Ltd, 2016 - present
Built Python services with 7 years of Python on PostgreSQL, deployed with Docker on Kubernetes.
Designed REST APIs, reviewed code, ran on-call and mentored three engineers.
Skills: Python, Kubernetes, PostgreSQL, Docker, Terraform, Git, Linux, continuous integration.
"""

NO_PYTHON = """Grace Hopper
Backend Engineer
Experience
Backend Engineer, Compilers Inc, 2018 - present
Built Java services on Oracle and ran them on Kubernetes clusters with Helm charts.
Designed REST APIs, reviewed code, wrote integration tests and improved build times.
Skills: Java, Kubernetes, Oracle, Maven, Jenkins, Linux, Git, continuous integration.
"""

NURSE = """Florence Nightingale
Registered Nurse
Experience
Staff Nurse, St Thomas Hospital, 2015 - present
Cared for acutely ill patients on a surgical ward, gave medications and IV infusions.
Led the ward at night, trained new nurses, audited infection control and hand hygiene.
Certifications: Basic Life Support, Advanced Life Support. Registered with the nursing council.
"""


@pytest.fixture
def role(db):
    return make_role(
        "Backend Engineer",
        skills=[("Python", 5, True), ("Kubernetes", 3, False), ("PostgreSQL", 3, False)],
    )


def candidate(org, text, name):
    return CandidateFactory(organisation=org, name=name, text=text)


@pytest.fixture
def create(django_capture_on_commit_callbacks, celery_eager):
    """match_create with its on-commit queueing run, and the task run in-process."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            match = match_create(**kwargs)
        match.refresh_from_db()
        return match

    return run


def fund(org, cents):
    credit_grant(
        org=org, cents=cents, kind="adjustment", idempotency_key=f"test:{org.pk}", reference="t"
    )


def test_it_reserves_the_whole_cost_and_charges_only_the_candidates_scored(
    alice, alice_org, role, create
):
    fund(alice_org, 1000)
    people = [
        candidate(alice_org, FIT, "Ada"),
        candidate(alice_org, NO_PYTHON, "Grace"),
        candidate(alice_org, NURSE, "Florence"),
    ]
    price = price_per_candidate_cents()
    match = create(org=alice_org, user=alice, role=role, candidates=people)
    match.refresh_from_db()
    assert match.status == Match.Status.DONE
    assert match.scored_count == 3
    assert match.charged_cents == 3 * price
    assert balance_cents(org=alice_org) == 1000 - 3 * price
    ranking = list(match_results(match=match))
    assert next(r.candidate.name for r in ranking) == "Ada"
    assert ranking[-1].candidate.name == "Florence"
    grace = next(r for r in ranking if r.candidate.name == "Grace")
    assert grace.must_haves_met is False
    python = next(e for e in grace.evidence if e["name"] == "Python")
    assert python["status"] == "missing"
    assert python["missing_must_have"]
    ada = ranking[0]
    ada_python = next(e for e in ada.evidence if e["name"] == "Python")
    assert ada_python["status"] == "found"
    assert "Python" in ada_python["line"]
    assert ada.model_version == embeddings.model_version()
    assert ada.role_version == role.version
    assert set(ada.weights) >= {"semantic", "skills", "lexical"}
    reservation = Reservation.objects.get(pk=match.reservation_id)
    assert reservation.status == Reservation.Status.RELEASED
    assert reservation.charged_cents == 3 * price


def test_a_match_without_enough_credit_waits_keeps_its_candidates_and_resumes_after_a_top_up(
    alice, alice_org, role, create, django_capture_on_commit_callbacks
):
    people = [candidate(alice_org, FIT, "Ada"), candidate(alice_org, NURSE, "Florence")]
    match = match_create(org=alice_org, user=alice, role=role, candidates=people)
    assert match.status == Match.Status.WAITING_FOR_CREDIT
    assert "balance" in match.status_message
    assert "kept" in match.status_message
    assert match.candidates.count() == 2
    assert not MatchResult.objects.filter(match=match).exists()
    fund(alice_org, 500)
    with django_capture_on_commit_callbacks(execute=True):
        match = match_resume(match=match, user=alice)
    match.refresh_from_db()
    assert match.status == Match.Status.DONE
    assert match.scored_count == 2
    assert balance_cents(org=alice_org) == 500 - 2 * price_per_candidate_cents()


def test_running_the_score_task_again_charges_each_candidate_once(alice, alice_org, role):
    fund(alice_org, 1000)
    people = [candidate(alice_org, FIT, "Ada"), candidate(alice_org, NO_PYTHON, "Grace")]
    match = match_create(org=alice_org, user=alice, role=role, candidates=people)
    assert match.status == Match.Status.QUEUED
    # One candidate scored, then the worker "dies": the task is delivered again, twice.
    matching._score_batch(match, [people[0]])
    Match.objects.filter(pk=match.pk).update(status=Match.Status.RUNNING)
    match_score(match_id=match.pk)
    match_score(match_id=match.pk)
    match.refresh_from_db()
    price = price_per_candidate_cents()
    assert match.status == Match.Status.DONE
    assert MatchResult.objects.filter(match=match).count() == 2
    assert ReservationCharge.objects.filter(reservation_id=match.reservation_id).count() == 2
    assert match.charged_cents == 2 * price
    assert balance_cents(org=alice_org) == 1000 - 2 * price


def test_files_that_could_not_be_read_are_free_and_uploads_join_when_parsed(alice, alice_org, role):
    fund(alice_org, 1000)
    ada = candidate(alice_org, FIT, "Ada")
    broken = DocumentFactory(organisation=alice_org, status=Document.Status.READING)
    reading = DocumentFactory(organisation=alice_org, status=Document.Status.READING)
    match = match_create(
        org=alice_org, user=alice, role=role, candidates=[ada], documents=[broken, reading]
    )
    price = price_per_candidate_cents()
    assert match.reserved_cents == 3 * price
    progress = match_score(match_id=match.pk)
    assert not progress.done
    assert progress.waiting == 2
    Document.objects.filter(pk=broken.pk).update(
        status=Document.Status.FAILED, error_code="corrupt"
    )
    grace = candidate(alice_org, NO_PYTHON, "Grace")
    Document.objects.filter(pk=reading.pk).update(status=Document.Status.PARSED, candidate=grace)
    progress = match_score(match_id=match.pk)
    assert progress.done
    match.refresh_from_db()
    assert match.scored_count == 2
    assert match.failed_count == 1
    assert balance_cents(org=alice_org) == 1000 - 2 * price
    assert Document.objects.get(pk=reading.pk).status == Document.Status.EMBEDDED
    assert match_progress(match=match).finished


def test_reweighting_reranks_from_stored_evidence_for_free(alice, alice_org, role, create):
    fund(alice_org, 1000)
    people = [candidate(alice_org, FIT, "Ada"), candidate(alice_org, NO_PYTHON, "Grace")]
    match = create(org=alice_org, user=alice, role=role, candidates=people)
    balance = balance_cents(org=alice_org)
    embedded = CandidateEmbedding.objects.count()
    python_id = next(s["skill_id"] for s in match.role_snapshot["skills"] if s["name"] == "Python")
    before = {r.candidate.name: r.score for r in match_results(match=match)}
    changed = match_reweight(
        match=match, weights={"skill_weights": {str(python_id): {"weight": 0, "must_have": False}}}
    )
    assert changed == 2
    after = {r.candidate.name: r for r in match_results(match=match)}
    assert after["Grace"].score > before["Grace"]
    assert after["Grace"].must_haves_met
    # The points shown for each part still add up to the new score.
    for r in after.values():
        points = scoring.contributions(r.components, r.weights)
        assert points is not None
        assert sum(points.values()) == pytest.approx(r.score, abs=0.05)
    assert balance_cents(org=alice_org) == balance
    assert CandidateEmbedding.objects.count() == embedded
    match_reweight(match=match, weights=None)
    restored = {r.candidate.name: r.score for r in match_results(match=match)}
    assert restored == before


@pytest.mark.parametrize("component", scoring.COMPONENTS)
def test_weighting_a_component_up_lifts_the_candidate_strongest_in_it(
    alice, alice_org, role, create, component
):
    """Weighting a component up (four times its default share) never lowers the candidate
    strongest in it, and any candidate who overtakes another is the stronger of the two in that
    component. None of these candidates has a level gap, the one part weights leave alone."""
    fund(alice_org, 1000)
    people = [
        candidate(alice_org, FIT, "Ada"),
        candidate(alice_org, NO_PYTHON, "Grace"),
        candidate(alice_org, NURSE, "Florence"),
    ]
    match = create(org=alice_org, user=alice, role=role, candidates=people)

    def order() -> list[str]:
        return [r.candidate.name for r in match_results(match=match)]

    before = order()
    strength = {
        r.candidate.name: scoring.fused_parts(r.components)[1][component]
        for r in match_results(match=match)
    }
    assert all(not r.components.get("level_gap") for r in match_results(match=match))
    strongest = max(strength, key=lambda name: strength[name])
    weights = {**scoring.DEFAULT_WEIGHTS, component: 4 * scoring.DEFAULT_WEIGHTS[component]}
    match_reweight(match=match, weights=weights)
    after = order()
    assert after.index(strongest) <= before.index(strongest)
    for a in after:
        for b in after[after.index(a) + 1 :]:
            if before.index(a) > before.index(b):  # a overtook b
                assert strength[a] > strength[b], (component, a, b)
    # All the weight on the component: the ranking is the component's.
    match_reweight(
        match=match, weights={c: 1.0 if c == component else 0.0 for c in scoring.COMPONENTS}
    )
    assert order()[0] == strongest


def test_it_refuses_weights_for_skills_the_role_does_not_list(alice, alice_org, role):
    fund(alice_org, 1000)
    match = match_create(
        org=alice_org, user=alice, role=role, candidates=[candidate(alice_org, FIT, "Ada")]
    )
    with pytest.raises(MatchError, match="does not list"):
        match_reweight(match=match, weights={"skill_weights": {"999999": {"weight": 5}}})
    with pytest.raises(MatchError):
        match_reweight(match=match, weights={"semantic": -1})


def test_decisions_keep_who_decided_and_every_change(alice, bob, alice_org, role, create):
    fund(alice_org, 1000)
    ada = candidate(alice_org, FIT, "Ada")
    match = create(org=alice_org, user=alice, role=role, candidates=[ada])
    decision_make(match=match, candidate=ada, user=alice, decision="hold", note="Call Monday")
    decision_make(match=match, candidate=ada, user=bob, decision="shortlist", note="Strong")
    current = Decision.objects.get(match=match, candidate=ada)
    assert current.decision == "shortlist"
    assert current.decided_by == bob
    history = list(decision_history(match=match, candidate_id=ada.pk))
    assert [h.decision for h in history] == ["shortlist", "hold"]
    assert [h.history_user for h in history] == [bob, alice]
    with pytest.raises(MatchError):
        decision_make(match=match, candidate=ada, user=alice, decision="hire")


def test_it_refuses_another_organisations_candidates_and_private_roles(
    alice, alice_org, charlie_org, role
):
    theirs = candidate(charlie_org, FIT, "Someone else")
    with pytest.raises(MatchError, match="not in your organisation"):
        match_create(org=alice_org, user=alice, role=role, candidates=[theirs])
    private = make_role("Charlie's secret role", organisation=charlie_org)
    with pytest.raises(MatchError, match="not available"):
        match_create(
            org=alice_org, user=alice, role=private, candidates=[candidate(alice_org, FIT, "A")]
        )
    with pytest.raises(MatchError, match="at least one"):
        match_create(org=alice_org, user=alice, role=role, candidates=[])


def test_embedding_is_stored_with_the_model_version_and_redone_when_the_text_changes(
    alice_org, celery_eager
):
    ada = candidate(alice_org, FIT, "Ada")
    document = DocumentFactory(organisation=alice_org, candidate=ada)
    first = candidate_embed(candidate_id=ada.pk)
    assert first is not None
    assert first.model_version == embeddings.model_version()
    assert first.chunk_count == len(first.spans) >= 1
    assert Document.objects.get(pk=document.pk).status == Document.Status.EMBEDDED
    again = candidate_embed(candidate_id=ada.pk)
    assert again is not None
    assert again.pk == first.pk
    assert again.created_at == first.created_at
    ada.text = FIT + "\nAlso Terraform and Ansible."
    ada.save()
    redone = candidate_embed(candidate_id=ada.pk)
    assert redone is not None
    assert redone.text_sha256 != first.text_sha256
    assert CandidateEmbedding.objects.filter(candidate=ada).count() == 1


def test_the_titles_embedded_are_the_evaluations_plus_a_headline_the_recruiter_corrected(
    alice, alice_org
):
    # Every ranking figure reads a resume's titles with `ranking.profile_facts`; intake's own
    # headline was measured in its place and ranked no better, so it is not added.
    ada = candidate(alice_org, FIT, "Ada")
    ada.headline = "Platform Engineer"
    ada.save()
    read = ranking.profile_facts(matching.candidate_embedding_text(ada))[1]
    first = candidate_embed(candidate_id=ada.pk)
    assert first is not None
    assert first.titles == read
    # A recruiter's correction is embedded at once, ahead of what the resume says.
    candidate_correct(candidate=ada, user=alice, data={"headline": "Staff Platform Engineer"})
    ada.refresh_from_db()
    corrected = candidate_embed(candidate_id=ada.pk)
    assert corrected is not None
    assert corrected.titles == ["Staff Platform Engineer", *read][: ranking.MAX_TITLES]
    assert corrected.text_sha256 != first.text_sha256


def test_the_pool_is_ranked_exactly_from_the_cached_matrix(alice_org, charlie_org):
    ada = candidate(alice_org, FIT, "Ada")
    florence = candidate(alice_org, NURSE, "Florence")
    other = candidate(charlie_org, FIT, "Not alice's")
    for person in (ada, florence, other):
        candidate_embed(candidate_id=person.pk)
    role_vector = embeddings.pooled(
        embeddings.embed_text("Backend engineer: Python, PostgreSQL, Kubernetes").vectors
    )
    ranked = vector_cache.rank_pool(alice_org.pk, role_vector, top_k=10)
    assert [cid for cid, _ in ranked] == [ada.pk, florence.pk]
    late = candidate(alice_org, NO_PYTHON, "Grace")
    candidate_embed(candidate_id=late.pk)
    assert len(vector_cache.rank_pool(alice_org.pk, role_vector)) == 3


def test_a_blind_match_scores_and_explains_from_the_masked_text(alice, alice_org, role, create):
    fund(alice_org, 1000)
    text = FIT.replace(
        "Skills: Python", "Contact ada.lovelace@example.com, born 10 December 1990. Skills: Python"
    )
    ada = CandidateFactory(
        organisation=alice_org, name="Ada Lovelace", email="ada.lovelace@example.com", text=text
    )
    match = create(org=alice_org, user=alice, role=role, candidates=[ada], blind=True)
    result = MatchResult.objects.get(match=match, candidate=ada)
    lines = " ".join(e["line"] for e in result.evidence)
    assert "Python" in lines
    assert "ada.lovelace@example.com" not in lines
    assert "1990" not in lines


IDENTIFIED = FIT.replace(
    "Senior Backend Engineer\nExperience",
    "Senior Backend Engineer\nada.lovelace@example.com | +44 20 7946 0958\nExperience",
).replace("mentored three engineers", "mentored three engineers; Lovelace led her guild")


def test_a_blind_matchs_scoring_input_names_no_name_email_or_phone(alice_org):
    ada = CandidateFactory(
        organisation=alice_org,
        name="Ada Lovelace",
        email="ada.lovelace@example.com",
        phone="+44 20 7946 0958",
        text=IDENTIFIED,
    )
    for text in (
        matching.candidate_scoring_text(ada, blind=True),
        matching.candidate_embedding_text(ada),
    ):
        for secret in ("Ada", "Lovelace", "ada.lovelace@example.com", "7946"):
            assert secret not in text
        assert "Python services" in text
    assert " her " not in matching.candidate_scoring_text(ada, blind=True)


def test_the_stored_vectors_are_those_of_the_masked_text_for_every_match(alice_org):
    ada = CandidateFactory(
        organisation=alice_org,
        name="Ada Lovelace",
        email="ada.lovelace@example.com",
        text=IDENTIFIED,
    )
    row = candidate_embed(candidate_id=ada.pk)
    stored = embeddings.from_bytes(bytes(row.vectors))
    masked = embeddings.embed_text(matching.candidate_embedding_text(ada)).vectors
    raw = embeddings.embed_text(IDENTIFIED).vectors
    assert row.model_version == embeddings.model_version()
    assert stored == pytest.approx(masked, abs=1e-5)
    assert stored != pytest.approx(raw, abs=1e-05)
    assert all("Ada" not in title for title in row.titles)


def test_vectors_stored_under_an_older_marker_are_made_again(alice_org, monkeypatch):
    ada = CandidateFactory(organisation=alice_org, name="Ada Lovelace", text=IDENTIFIED)
    old = candidate_embed(candidate_id=ada.pk)
    monkeypatch.setattr(embeddings, "INPUT_VERSION", "pii0")
    new = candidate_embed(candidate_id=ada.pk)
    assert new.pk != old.pk
    assert new.model_version.endswith("+pii0")
    assert old.model_version.endswith("+pii2")


def test_a_flushed_pool_counter_never_repeats_a_version_a_process_may_hold(db):
    """Redis keeps nothing on disk: after a restart the pool counters are gone, and counting
    again from 1 could reach the number a long-lived process cached an older pool under."""
    org_id = 2_000_000_001
    vector_cache.pool_changed(org_id)
    vector_cache.pool_changed(org_id)
    held = vector_cache.pool_version(org_id)
    cache.delete(vector_cache._version_key(org_id))
    assert vector_cache.pool_version(org_id) == 0
    vector_cache.pool_changed(org_id)
    assert vector_cache.pool_version(org_id) > held
    cache.delete(vector_cache._version_key(org_id))


def test_each_result_keeps_its_roles_reference_statistics_and_scores_alone(
    alice, alice_org, role, create
):
    """Scoring version 5 reads each component against the role's reference pool: the same
    statistics in every result of a match, whoever else is in it, and re-weighting reads them."""
    fund(alice_org, 1000)
    ada = candidate(alice_org, FIT, "Ada")
    grace = candidate(alice_org, NO_PYTHON, "Grace")
    pair = create(org=alice_org, user=alice, role=role, candidates=[ada, grace])
    alone = create(org=alice_org, user=alice, role=role, candidates=[ada])
    results = list(MatchResult.objects.filter(match=pair))
    keys = [f"{name}_ref_{stat}" for name in ranker.REFERENCE_INPUTS for stat in ("mean", "sd")]
    for key in keys:
        assert len({r.components[key] for r in results}) == 1
    assert results[0].components["semantic_ref_sd"] > 0
    ada_in_pair = MatchResult.objects.get(match=pair, candidate=ada)
    ada_alone = MatchResult.objects.get(match=alone, candidate=ada)
    assert ada_alone.score == ada_in_pair.score
    assert {k: ada_alone.components[k] for k in keys} == {
        k: ada_in_pair.components[k] for k in keys
    }
    again = scoring.rescore(
        components=ada_in_pair.components, evidence=ada_in_pair.evidence, weights=None
    )
    assert again.score == ada_in_pair.score
    # Without them (a result scored before version 5) the model's average role stands in.
    old = {k: v for k, v in ada_in_pair.components.items() if k not in keys}
    assert ranker.standardised(old, "lexical") is None
    stand_in = ranker.standardised(old, "lexical", ranker.default().fill)
    assert stand_in is not None
    assert stand_in != ranker.standardised(ada_in_pair.components, "lexical")
    assert 0 <= scoring.rescore(components=old, evidence=ada_in_pair.evidence).score <= 100


def test_a_skill_the_description_lists_but_the_taxonomy_lacks_is_scored_and_reweighed(
    alice, alice_org, create
):
    role = make_role(
        "Backend Engineer",
        skills=[("Python", 5, True)],
        description="We run the booking platform of 2,000 clinics.\n\n"
        "Requirements\n- Python: five years or more\n- Incident command",
    )
    fund(alice_org, 1000)
    people = [
        candidate(alice_org, FIT + "Led the incident command rota during outages.\n", "Ada"),
        candidate(alice_org, NO_PYTHON, "Grace"),
        candidate(alice_org, FIT, "Alan"),
    ]
    match = create(org=alice_org, user=alice, role=role, candidates=people)
    listed = [s for s in match.role_snapshot["skills"] if s["skill_id"] < 0]
    assert listed == [
        {
            "skill_id": -1,
            "name": "Incident command",
            "weight": 3,
            "must_have": False,
            "min_years": None,
        }
    ]
    results = {r.candidate.name: r for r in match_results(match=match)}
    ada = next(e for e in results["Ada"].evidence if e["name"] == "Incident command")
    grace = next(e for e in results["Grace"].evidence if e["name"] == "Incident command")
    assert ada["status"] == "found"
    assert ada["line"] == "Led the incident command rota during outages."
    assert grace["status"] == "missing"
    # Alan has Python but not the listed skill: weighted 0, it no longer counts against him.
    before = results["Alan"].score
    match_reweight(match=match, weights={"skill_weights": {"-1": {"weight": 0}}})
    after = {r.candidate.name: r for r in match_results(match=match)}
    assert after["Alan"].score > before
    assert after["Ada"].score == pytest.approx(results["Ada"].score, abs=0.2)
