"""Matches over the API: create (credit reserved, charged per candidate), status, results with
evidence, re-weighting, decisions; waiting for credit and the 402 on resume."""

from __future__ import annotations

import pytest

from billing.selectors import balance_cents, price_per_candidate_cents
from matcher.models import Decision, Match
from matcher.services.workspace import match_blind_set
from tests.api.conftest import PEOPLE, candidate_with_file, fund
from tests.roles.factories import make_role

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_match_is_created_scored_and_charged_per_candidate(
    alice, alice_org, alice_api, celery_eager, django_capture_on_commit_callbacks
) -> None:
    fund(alice_org, 1000)
    role = make_role("Backend Engineer", skills=[("Python", 5, True), ("Docker", 3, False)])
    people = [candidate_with_file(alice_org, alice, *p) for p in PEOPLE]
    body = {"role": role.pk, "candidates": [p.pk for p in people]}
    with django_capture_on_commit_callbacks(execute=True):
        first = alice_api.post("/api/v1/matches/", body, format="json", HTTP_IDEMPOTENCY_KEY="m1")
    second = alice_api.post("/api/v1/matches/", body, format="json", HTTP_IDEMPOTENCY_KEY="m1")
    assert first.status_code == second.status_code == 201, first.json()
    assert first.json()["id"] == second.json()["id"]
    assert Match.objects.count() == 1
    status = alice_api.get(first["Location"]).json()
    assert status["status"] == "done"
    assert status["progress"] == {
        "percent": 100,
        "candidates": 3,
        "scored": 3,
        "failed": 0,
        "documents": status["progress"]["documents"],
        "finished": True,
    }
    assert balance_cents(org=alice_org) == 1000 - 3 * price_per_candidate_cents()


def test_results_come_ranked_with_tiers_and_evidence(alice_api, seeded) -> None:
    url = f"/api/v1/matches/{seeded.match.pk}/results/"
    results = alice_api.get(url).json()["results"]
    assert len(results) == 3
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    top = results[0]
    assert top["tier"] in {"strong", "possible", "weak"}
    python = next(e for e in top["evidence"] if e["name"] == "Python")
    assert python["status"] == "found"
    assert python["line"]
    assert set(top["components"]) >= {"semantic", "skills", "lexical"}
    assert top["candidate"]["masked"] is False


def test_results_name_the_job_titles_the_title_score_read(alice, alice_api, seeded) -> None:
    url = f"/api/v1/matches/{seeded.match.pk}/results/"
    ada, grace, alan = seeded.candidates

    read = {r["candidate"]["id"]: r["titles_read"] for r in alice_api.get(url).json()["results"]}

    # The latest position's title comes back as the line under the name: listed once.
    assert read[ada.pk] == ["Senior Backend Engineer", "Backend Developer"]
    assert read[grace.pk] == ["Backend Developer"]
    assert read[alan.pk] == ["Data Engineer", "Backend Developer"]

    match_blind_set(match=seeded.match, user=alice, blind=True)
    results = alice_api.get(url).json()["results"]
    assert [r["titles_read"] for r in results] == [None, None, None]
    assert all(r["candidate"]["masked"] for r in results)


def test_another_organisation_cannot_read_the_titles_read(charlie_api, seeded) -> None:
    response = charlie_api.get(f"/api/v1/matches/{seeded.match.pk}/results/")
    assert response.status_code == 404
    assert "Backend Developer" not in response.content.decode()


def test_results_are_cursor_paginated_and_filterable(alice_api, seeded) -> None:
    url = f"/api/v1/matches/{seeded.match.pk}/results/"
    page = alice_api.get(f"{url}?page_size=2").json()
    rest = alice_api.get(page["next"]).json()
    ids = [r["candidate"]["id"] for r in page["results"] + rest["results"]]
    assert sorted(ids) == sorted(c.pk for c in seeded.candidates)
    best = page["results"][0]
    tiered = alice_api.get(f"{url}?tier={best['tier']}").json()["results"]
    assert all(r["tier"] == best["tier"] for r in tiered)
    high = alice_api.get(f"{url}?min_score={best['score']}").json()["results"]
    assert [r["candidate"]["id"] for r in high] == [best["candidate"]["id"]]
    worst_first = alice_api.get(f"{url}?ordering=score").json()["results"]
    assert worst_first[0]["score"] <= worst_first[-1]["score"]
    bad = alice_api.get(f"{url}?min_score=lots")
    assert bad.status_code == 400
    assert "min_score" in bad.json()["errors"]


def test_reweighting_rescores_for_free(alice_api, alice_org, seeded) -> None:
    balance = balance_cents(org=alice_org)
    python = next(s for s in seeded.match.role_snapshot["skills"] if s["name"] == "Python")
    response = alice_api.post(
        f"/api/v1/matches/{seeded.match.pk}/reweight/",
        {
            "skills": 1.0,
            "semantic": 0,
            "lexical": 0,
            "title": 0,
            "skill_weights": {str(python["skill_id"]): {"weight": 1, "must_have": False}},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["rescored"] == 3
    assert balance_cents(org=alice_org) == balance
    bad = alice_api.post(
        f"/api/v1/matches/{seeded.match.pk}/reweight/",
        {"skill_weights": {"999999": {"weight": 3}}},
        format="json",
    )
    assert bad.status_code == 400
    level = alice_api.post(
        f"/api/v1/matches/{seeded.match.pk}/reweight/", {"level": 0}, format="json"
    )
    assert level.status_code == 200, level.json()
    seeded.match.refresh_from_db()
    assert seeded.match.weights["level"] == 0
    too_much = alice_api.post(
        f"/api/v1/matches/{seeded.match.pk}/reweight/", {"level": 0.9}, format="json"
    )
    assert too_much.status_code == 400
    assert "level" in too_much.json()["errors"]


def test_a_skill_weighted_0_cannot_be_a_must_have(alice_api, seeded) -> None:
    url = f"/api/v1/matches/{seeded.match.pk}/reweight/"
    python = next(s for s in seeded.match.role_snapshot["skills"] if s["name"] == "Python")
    sid = str(python["skill_id"])
    both = alice_api.post(
        url, {"skill_weights": {sid: {"weight": 0, "must_have": True}}}, format="json"
    )
    assert both.status_code == 400
    assert "cannot be a must-have" in str(both.json()["errors"])
    seeded.match.refresh_from_db()
    assert sid not in (seeded.match.weights or {}).get("skill_weights", {})

    # Weighted out alone, the role's must-have stops being one, in the results as in scoring.
    assert python["must_have"]
    out = alice_api.post(url, {"skill_weights": {sid: {"weight": 0}}}, format="json")
    assert out.status_code == 200, out.json()
    results = alice_api.get(f"/api/v1/matches/{seeded.match.pk}/results/").json()["results"]
    for row in results:
        shown = next(e for e in row["evidence"] if e["name"] == "Python")
        assert shown["must_have"] is False
        assert shown["missing_must_have"] is False


def test_decisions_are_recorded_once_per_retry_and_listed(alice_api, seeded) -> None:
    url = f"/api/v1/matches/{seeded.match.pk}/decisions/"
    ada = seeded.candidates[0]
    body = {"candidate": ada.pk, "decision": "shortlist", "note": "Strong Python"}
    first = alice_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="d1")
    again = alice_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="d1")
    assert first.status_code == again.status_code == 201
    assert Decision.history.filter(candidate_id=ada.pk).count() == 1
    listed = alice_api.get(url).json()["results"]
    assert [(d["candidate"], d["decision"]) for d in listed] == [(ada.pk, "shortlist")]
    results = alice_api.get(f"/api/v1/matches/{seeded.match.pk}/results/?decision=shortlist")
    assert [r["candidate"]["id"] for r in results.json()["results"]] == [ada.pk]


def test_a_decision_needs_a_candidate_of_the_match(alice, alice_org, alice_api, seeded) -> None:
    outsider = candidate_with_file(alice_org, alice, "Outside Person", "o@example.com", "Chef")
    url = f"/api/v1/matches/{seeded.match.pk}/decisions/"
    response = alice_api.post(url, {"candidate": outsider.pk, "decision": "hold"}, format="json")
    assert response.status_code == 400
    assert "candidate" in response.json()["errors"]
    bad = alice_api.post(url, {"candidate": outsider.pk, "decision": "maybe"}, format="json")
    assert "decision" in bad.json()["errors"]


def test_foreign_ids_in_a_new_match_are_refused_without_saying_they_exist(
    alice_api, charlie, charlie_org, seeded
) -> None:
    theirs = candidate_with_file(charlie_org, charlie, "Their Person", "t@example.org", "Chef")
    response = alice_api.post(
        "/api/v1/matches/", {"role": seeded.role.pk, "candidates": [theirs.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "candidates" in response.json()["errors"]
    private = make_role("Their Role", organisation=charlie_org)
    response = alice_api.post(
        "/api/v1/matches/",
        {"role": private.pk, "candidates": [seeded.candidates[0].pk]},
        format="json",
    )
    assert "role" in response.json()["errors"]


def test_without_enough_credit_the_match_waits_and_resume_answers_402(
    alice, alice_org, alice_api, celery_eager, django_capture_on_commit_callbacks
) -> None:
    role = make_role("Backend Engineer")
    people = [candidate_with_file(alice_org, alice, *p) for p in PEOPLE]
    response = alice_api.post(
        "/api/v1/matches/", {"role": role.pk, "candidates": [p.pk for p in people]}, format="json"
    )
    assert response.status_code == 201
    match = response.json()
    assert match["status"] == "waiting_for_credit"
    assert "Buy credits" in match["status_message"] or "credit" in match["status_message"]
    resume = alice_api.post(f"/api/v1/matches/{match['id']}/resume/")
    assert resume.status_code == 402
    problem = resume.json()
    assert problem["type"].endswith("/api/problems/insufficient-credit/")
    assert problem["needed_cents"] == 3 * price_per_candidate_cents()
    fund(alice_org, 1000)
    with django_capture_on_commit_callbacks(execute=True):
        started = alice_api.post(f"/api/v1/matches/{match['id']}/resume/")
    assert started.status_code == 200
    assert alice_api.get(f"/api/v1/matches/{match['id']}/").json()["status"] == "done"
    again = alice_api.post(f"/api/v1/matches/{match['id']}/resume/")
    assert again.status_code == 409


def test_matches_list_filters_by_status(alice_api, seeded) -> None:
    done = alice_api.get("/api/v1/matches/?status=done").json()["results"]
    assert [m["id"] for m in done] == [seeded.match.pk]
    assert alice_api.get("/api/v1/matches/?status=running").json()["results"] == []


def test_another_organisation_gets_404_on_every_match_route(charlie_api, seeded) -> None:
    pk = seeded.match.pk
    for method, path in [
        ("get", f"/api/v1/matches/{pk}/"),
        ("get", f"/api/v1/matches/{pk}/results/"),
        ("get", f"/api/v1/matches/{pk}/decisions/"),
        ("post", f"/api/v1/matches/{pk}/decisions/"),
        ("post", f"/api/v1/matches/{pk}/reweight/"),
        ("post", f"/api/v1/matches/{pk}/resume/"),
    ]:
        response = getattr(charlie_api, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
    assert charlie_api.get("/api/v1/matches/").json()["results"] == []


def test_results_filter_by_a_skill_the_ad_lists_as_the_page_does(alice_api, seeded) -> None:
    url = f"/api/v1/matches/{seeded.match.pk}/results/"
    result = seeded.match.results.order_by("pk").first()
    listed = {**result.evidence[0], "skill_id": -1, "name": "OFAC compliance", "status": "found"}
    result.evidence = [*result.evidence, listed]
    result.save(update_fields=["evidence"])

    shown = alice_api.get(f"{url}?skill=-1").json()["results"]
    zero = alice_api.get(f"{url}?skill=0")

    assert [r["candidate"]["id"] for r in shown] == [result.candidate_id]
    assert zero.status_code == 400
