"""A match or a file that kills every worker it reaches is stopped, not handed out forever.

A worker killed mid-task (out of memory) never finishes its task, and acks_late hands the same
message out again. Each test leaves the database as such deliveries leave it, then delivers the
task again the way the worker does, through the real task function."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import OperationalError

from billing.models import Reservation, ReservationCharge
from billing.selectors import balance_cents, price_per_candidate_cents
from billing.services import credit_grant
from candidates.models import Document
from candidates.services import batch_create
from matcher import embeddings
from matcher.models import Match, MatchFailure, MatchResult
from matcher.selectors.workspace import match_not_scored
from matcher.services import matches as matching
from matcher.services.matches import crashed_scoring_message, match_create
from matcher.tasks import documents_ingest_task, match_score_task
from tests.api.conftest import bearer
from tests.candidates.factories import CandidateFactory, media_root, upload  # noqa: F401
from tests.matcher.test_match_failures import MARKER
from tests.matcher.test_matching_pipeline import FIT, NO_PYTHON, NURSE
from tests.roles.factories import make_role

pytestmark = pytest.mark.slow

# One message, handed out again after each death: the same task id every time.
TASK_ID = "6f1c1d2e-0000-4000-8000-000000000001"


@pytest.fixture
def funded(alice_org):
    credit_grant(
        org=alice_org, cents=1000, kind="adjustment", idempotency_key="test:fund", reference="t"
    )
    return alice_org


@pytest.fixture
def people(funded):
    return [
        CandidateFactory(organisation=funded, name="Ada", text=FIT),
        CandidateFactory(organisation=funded, name="Grace", text=NO_PYTHON),
        CandidateFactory(organisation=funded, name="Florence", text=NURSE),
    ]


@pytest.fixture
def queued(alice, funded, people, django_capture_on_commit_callbacks) -> Match:
    """A match whose task the broker holds: nothing ran yet."""
    role = make_role("Backend Engineer", skills=[("Python", 5, True), ("Docker", 3, False)])
    with django_capture_on_commit_callbacks(execute=False):
        return match_create(org=funded, user=alice, role=role, candidates=people)


def deaths(match: Match, count: int) -> None:
    """What `count` deliveries leave whose worker was killed mid-score: each was counted before
    it began, none ended, and the match is running."""
    Match.objects.filter(pk=match.pk).update(status=Match.Status.RUNNING, score_attempts=count)


def deliver(match: Match) -> str:
    return match_score_task.apply(args=[match.pk], task_id=TASK_ID).get()


def test_a_match_that_killed_its_worker_three_times_ends_with_what_it_scored(
    alice, funded, people, queued, settings
) -> None:
    ada, grace, florence = people
    matching._score_batch(queued, [ada])  # a first delivery scored Ada's batch
    deaths(queued, settings.SCORE_MAX_ATTEMPTS)

    assert deliver(queued) == "done"

    queued.refresh_from_db()
    price = price_per_candidate_cents()
    assert queued.status == Match.Status.DONE
    assert (queued.scored_count, queued.failed_count) == (1, 2)
    assert queued.status_message.startswith("Completed with 2 files not scored (not charged)")
    reason = crashed_scoring_message(3)
    assert "stopped its worker 3 times in a row" in reason
    assert "No credit was charged for the files left unscored" in reason
    failures = MatchFailure.objects.filter(match=queued)
    assert {(f.candidate_id, f.message) for f in failures} == {
        (grace.pk, reason),
        (florence.pk, reason),
    }
    assert [row["reason"] for row in match_not_scored(match=queued)] == [reason, reason]
    charges = ReservationCharge.objects.filter(reservation_id=queued.reservation_id)
    assert [c.idempotency_key for c in charges] == [f"match:{queued.pk}:cand:{ada.pk}"]
    assert Reservation.objects.get(pk=queued.reservation_id).status == (Reservation.Status.RELEASED)
    assert balance_cents(org=funded) == 1000 - price
    call_command("audit_ledger")

    # The last death's message handed out once more: nothing moves, nothing is charged.
    assert deliver(queued) == "done"
    assert ReservationCharge.objects.filter(reservation_id=queued.reservation_id).count() == 1
    assert balance_cents(org=funded) == 1000 - price


def test_a_match_that_killed_its_worker_before_scoring_anyone_fails_and_says_why(
    alice, funded, queued, settings
) -> None:
    deaths(queued, settings.SCORE_MAX_ATTEMPTS)

    deliver(queued)

    queued.refresh_from_db()
    assert queued.status == Match.Status.FAILED
    assert queued.status_message == crashed_scoring_message(settings.SCORE_MAX_ATTEMPTS)
    assert queued.charged_cents == 0
    assert balance_cents(org=funded) == 1000
    detail = bearer(alice, funded).get(f"/api/v1/matches/{queued.pk}/").json()
    assert detail["status"] == "failed"
    assert detail["status_message"] == queued.status_message
    call_command("audit_ledger")


def test_a_delivery_under_the_limit_scores_everyone_and_the_count_starts_again(
    funded, queued, settings
) -> None:
    deaths(queued, settings.SCORE_MAX_ATTEMPTS - 1)

    assert deliver(queued) == "done"

    queued.refresh_from_db()
    assert queued.status == Match.Status.DONE
    assert (queued.scored_count, queued.failed_count) == (3, 0)
    assert queued.score_attempts == 0
    assert balance_cents(org=funded) == 1000 - 3 * price_per_candidate_cents()


def test_a_delivery_that_stored_a_batch_before_dying_is_not_held_against_the_match(
    people, queued, settings
) -> None:
    # Two deliveries died without storing anything; a third began, stored Ada's batch, and died.
    deaths(queued, settings.SCORE_MAX_ATTEMPTS)
    matching._score_batch(queued, people[:1])

    assert deliver(queued) == "done"

    queued.refresh_from_db()
    assert queued.status == Match.Status.DONE
    assert (queued.scored_count, queued.failed_count) == (3, 0)


def test_deliveries_that_end_in_an_error_are_retried_and_never_count_as_deaths(
    queued, settings, monkeypatch
) -> None:
    def unreachable(*args, **kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(matching, "_result_store", unreachable)
    for _ in range(settings.SCORE_MAX_ATTEMPTS + 1):
        with pytest.raises((Retry, OperationalError)):
            match_score_task(queued.pk)
        queued.refresh_from_db()
        assert (queued.status, queued.score_attempts) == (Match.Status.RUNNING, 0)
    monkeypatch.undo()

    assert deliver(queued) == "done"
    queued.refresh_from_db()
    assert (queued.status, queued.scored_count) == (Match.Status.DONE, 3)


@pytest.mark.usefixtures("media_root")
def test_waiting_for_uploads_longer_than_the_limit_never_stops_a_match(
    alice, funded, settings, django_capture_on_commit_callbacks
) -> None:
    role = make_role("Backend Engineer", skills=[("Python", 5, True)])
    with django_capture_on_commit_callbacks(execute=False):
        batch = batch_create(
            org=funded,
            user=alice,
            files=[upload("ada.txt", FIT.encode()), upload("grace.txt", NO_PYTHON.encode())],
        )
        documents = list(Document.objects.filter(batch=batch).order_by("pk"))
        match = match_create(org=funded, user=alice, role=role, documents=documents)

    # Each poll for the unread uploads is a delivery that ends (with a retry in 5 s).
    for _ in range(settings.SCORE_MAX_ATTEMPTS + 2):
        with pytest.raises(Retry):
            match_score_task(match.pk)
        match.refresh_from_db()
        assert (match.status, match.score_attempts) == (Match.Status.RUNNING, 0)

    with django_capture_on_commit_callbacks(execute=False):
        documents_ingest_task([d.pk for d in documents])
    assert match_score_task(match.pk) == "done"
    match.refresh_from_db()
    assert (match.status, match.scored_count) == (Match.Status.DONE, 2)


@pytest.mark.usefixtures("media_root")
def test_a_file_that_killed_the_chunk_task_three_times_is_set_aside(
    alice, funded, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = batch_create(
            org=funded,
            user=alice,
            files=[upload("ada.txt", FIT.encode()), upload("grace.txt", NO_PYTHON.encode())],
        )
    ada, grace = Document.objects.filter(batch=batch).order_by("pk")
    # What the chunk's deliveries leave when reading Ada's file killed the worker each time.
    Document.objects.filter(pk=ada.pk).update(
        status=Document.Status.READING, attempts=settings.PARSE_MAX_ATTEMPTS
    )

    with django_capture_on_commit_callbacks(execute=False):
        documents_ingest_task([ada.pk, grace.pk])

    ada.refresh_from_db()
    grace.refresh_from_db()
    assert (ada.status, ada.error_code) == (Document.Status.FAILED, "crashed_repeatedly")
    assert "stopped the reader repeatedly" in ada.error_message
    assert ada.attempts == settings.PARSE_MAX_ATTEMPTS + 1
    assert grace.status == Document.Status.EMBEDDED


def test_a_match_that_polled_long_for_uploads_still_gets_its_retries_after_an_error(
    queued, caplog
) -> None:
    """Polls while uploads are read count as retries too; an error after many of them is still
    retried three times before the match fails."""
    # A snapshot the scorer cannot read: every delivery ends in the same error.
    Match.objects.filter(pk=queued.pk).update(role_snapshot={"skills": [{"no": "such field"}]})
    with caplog.at_level("ERROR", logger="matcher.tasks"):
        result = match_score_task.apply(args=[queued.pk], retries=50, task_id=TASK_ID).get()
    assert result == "failed"
    retried = [r for r in caplog.records if r.getMessage().endswith("failed; retrying")]
    assert len(retried) == 3
    queued.refresh_from_db()
    assert queued.status == Match.Status.FAILED
    assert queued.charged_cents == 0


class WorkerDied(BaseException):
    """Stands for a worker killed mid-embedding (out of memory, say): no `except Exception` of
    ours catches it, so the delivery ends where it was, as a killed process's would."""


def _embedding_kills_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    real_embed = embeddings.embed_texts

    def embed(texts, *args, **kwargs):
        if any(MARKER in t for t in texts):
            raise WorkerDied
        return real_embed(texts, *args, **kwargs)

    monkeypatch.setattr(embeddings, "embed_texts", embed)


def _deliver_until_done(work) -> tuple[int, object]:
    """Hands `work` out again after every death, as acks_late does; returns the deliveries."""
    for delivery in range(1, 20):
        try:
            return delivery, work()
        except WorkerDied:
            continue
    raise AssertionError("still dying after 19 deliveries")


@pytest.mark.usefixtures("media_root")
def test_an_upload_whose_embedding_kills_every_worker_fails_alone_after_its_attempts(
    alice, settings, monkeypatch, django_capture_on_commit_callbacks
):
    _embedding_kills_the_worker(monkeypatch)
    with django_capture_on_commit_callbacks():
        batch = batch_create(
            org=alice.membership.organisation,
            user=alice,
            files=[
                upload(name, text.encode())
                for name, text in {
                    "ada.txt": FIT,
                    "florence.txt": NURSE,
                    "grace.txt": NO_PYTHON,
                }.items()
            ],
        )
    ids = list(Document.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))

    deliveries, outcome = _deliver_until_done(lambda: documents_ingest_task(ids))

    # The first delivery embeds the chunk together and dies; each later one embeds the files
    # one at a time, counted, until the one that kills is set aside.
    assert deliveries == 1 + settings.PARSE_MAX_ATTEMPTS + 1
    assert outcome == {"parsed": 3, "embedded": 2, "left": 0}
    documents = {d.original_name: d for d in Document.objects.filter(batch=batch)}
    florence = documents.pop("florence.txt")
    assert florence.status == Document.Status.FAILED
    assert florence.error_message == matching.embed_crashed_message(settings.PARSE_MAX_ATTEMPTS)
    assert "not charged" in florence.error_message
    assert {d.status for d in documents.values()} == {Document.Status.EMBEDDED}
    assert [d.candidate.embed_attempts for d in documents.values()] == [0, 0]


def test_a_match_whose_embedding_kills_every_worker_fails_that_file_alone(
    queued, people, funded, settings, monkeypatch
):
    _embedding_kills_the_worker(monkeypatch)
    florence = people[2]

    deliveries, outcome = _deliver_until_done(lambda: match_score_task(queued.pk))

    # More deliveries died than SCORE_MAX_ATTEMPTS allows a match, yet the match did not end:
    # every death after the first was counted on the one candidate being embedded alone.
    assert deliveries == 1 + settings.PARSE_MAX_ATTEMPTS + 1 > settings.SCORE_MAX_ATTEMPTS
    assert outcome == "done"
    queued.refresh_from_db()
    assert queued.status == Match.Status.DONE
    assert (queued.scored_count, queued.failed_count) == (2, 1)
    failure = MatchFailure.objects.get(match=queued)
    assert failure.candidate == florence
    assert failure.message == matching.embed_crashed_message(settings.PARSE_MAX_ATTEMPTS)
    assert {r.candidate for r in MatchResult.objects.filter(match=queued)} == set(people[:2])
    assert queued.charged_cents == 2 * price_per_candidate_cents()
    assert balance_cents(org=funded) == 1000 - 2 * price_per_candidate_cents()
