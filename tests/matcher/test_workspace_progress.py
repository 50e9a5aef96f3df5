"""Following a match (issue 17): the live part offers the ranking as soon as there is one, says
when the match ends, and a match short of credit says so once and is reused by a second Run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.selectors import balance_cents, price_per_candidate_cents
from billing.services import credit_grant
from matcher.models import Match
from tests.matcher.test_workspace_views import (  # noqa: F401  (fixtures)
    _profile,
    pool,
    role,
    skills,
)

pytestmark = pytest.mark.django_db


def _running(org, role) -> Match:  # noqa: F811
    return Match.objects.create(
        organisation=org,
        role=role,
        role_version=1,
        role_title=role.title,
        status=Match.Status.RUNNING,
        price_cents=5,
        candidate_count=35,
    )


def test_the_live_part_offers_the_results_once_the_first_candidate_is_scored(
    client,
    alice,
    alice_org,
    role,  # noqa: F811
):
    client.force_login(alice)
    match = _running(alice_org, role)
    url = reverse("matcher:match_status", args=[match.pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "See results so far" not in html
    assert "the match goes on" in html

    Match.objects.filter(pk=match.pk).update(scored_count=1)
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "See results so far" in html
    assert f'href="{reverse("matcher:match_detail", args=[match.pk])}?results=1"' in html
    assert 'hx-trigger="every 1s"' in html  # still following


def test_the_live_part_opened_on_its_own_lands_on_the_progress_page(
    client,
    alice,
    alice_org,
    role,  # noqa: F811
):
    client.force_login(alice)
    match = _running(alice_org, role)

    response = client.get(reverse("matcher:match_status", args=[match.pk]), follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("matcher:match_detail", args=[match.pk]), 302)]
    assert "<html" in html
    assert "the match goes on" in html
    assert 'hx-trigger="every 1s"' in html


def test_a_match_that_stops_says_it_has_ended_and_keeps_the_results_link(
    client,
    alice,
    alice_org,
    role,  # noqa: F811
):
    client.force_login(alice)
    match = _running(alice_org, role)
    Match.objects.filter(pk=match.pk).update(
        scored_count=34, status=Match.Status.FAILED, status_message="the model could not load."
    )
    response = client.get(reverse("matcher:match_status", args=[match.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "The match has ended" in html
    assert "See results so far" in html
    assert "the match goes on" not in html
    assert "every 1s" not in html
    assert "HX-Redirect" not in response


def test_out_of_credit_says_so_once_and_a_second_run_reuses_the_waiting_match(
    client,
    alice,
    alice_org,
    role,  # noqa: F811
    pool,  # noqa: F811
):
    client.force_login(alice)
    data = {"role": role.pk, "candidates": [c.pk for c in pool], **_profile(role)}
    html = client.post(reverse("matcher:match_new"), data, follow=True).content.decode()
    match = Match.objects.get(organisation=alice_org)
    assert match.status == Match.Status.WAITING_FOR_CREDIT
    assert html.count("This match needs") == 1
    assert html.count("your balance is") == 1
    assert "Nothing has been charged" in html
    assert "the match goes on" not in html

    # Run again, this time with one candidate: the same waiting match takes the new selection.
    data["candidates"] = [pool[0].pk]
    html = client.post(reverse("matcher:match_new"), data, follow=True).content.decode()
    assert Match.objects.filter(organisation=alice_org).count() == 1
    match.refresh_from_db()
    assert match.status == Match.Status.WAITING_FOR_CREDIT
    assert match.candidate_count == 1
    assert list(match.candidates.all()) == [pool[0]]
    assert html.count("This match needs") == 1
    assert balance_cents(org=alice_org) == 0

    # Resuming while still short adds no second copy of the message either.
    html = client.post(
        reverse("matcher:match_resume", args=[match.pk]), follow=True
    ).content.decode()
    assert html.count("This match needs") == 1


def test_a_waiting_match_shows_the_balance_of_now_not_the_one_it_was_started_with(
    client,
    alice,
    alice_org,
    role,  # noqa: F811
    pool,  # noqa: F811
):
    client.force_login(alice)
    data = {"role": role.pk, "candidates": [c.pk for c in pool], **_profile(role)}
    client.post(reverse("matcher:match_new"), data)
    match = Match.objects.get(organisation=alice_org)
    assert match.status == Match.Status.WAITING_FOR_CREDIT
    # The stored message, which the API returns, stays true after a top-up.
    assert "your balance was $0.00 when it was tried" in match.status_message
    url = reverse("matcher:match_detail", args=[match.pk])

    credit_grant(org=alice_org, cents=1, kind="purchase", idempotency_key="p1", reference="p1")
    html = client.get(url).content.decode()
    assert "your balance is $0.01" in html
    assert "$0.00" not in html

    credit_grant(org=alice_org, cents=999, kind="purchase", idempotency_key="p2", reference="p2")
    html = client.get(url).content.decode()
    assert "your balance is" not in html
    assert f"Your balance of $10.00 now covers the ${match.cost_cents / 100:.2f}" in html
    buy = f'class="button button-secondary" href="{reverse("billing:overview")}">Buy credits'
    assert buy in html
    # The new-match page's shortfall warning leads to the packs too, not the public price list.
    html = client.get(reverse("matcher:match_new"), {"role_id": role.pk}).content.decode()
    assert f'<a href="{reverse("billing:overview")}">buy credits</a>' in html


def test_a_match_costing_more_than_the_recruiter_confirmed_is_refused_before_any_charge(
    client,
    alice,
    alice_org,
    role,  # noqa: F811
    pool,  # noqa: F811
):
    credit_grant(org=alice_org, cents=300, kind="purchase", idempotency_key="p", reference="p")
    client.force_login(alice)
    price = price_per_candidate_cents()
    data = {
        "role": role.pk,
        "candidates": [c.pk for c in pool],
        "confirmed_cents": str(price),  # the page showed one candidate; two are chosen
        **_profile(role),
    }
    response = client.post(reverse("matcher:match_new"), data)
    assert response.status_code == 400
    assert "more than the" in response.content.decode()
    assert "Nothing was charged" in response.content.decode()
    assert not Match.objects.filter(organisation=alice_org).exists()
    assert balance_cents(org=alice_org) == 300

    data["confirmed_cents"] = str(2 * price)
    response = client.post(reverse("matcher:match_new"), data)
    assert response.status_code == 302
    assert Match.objects.get(organisation=alice_org).reserved_cents == 2 * price
