"""Faults with real processes: a worker killed whole (kill -9 of the main process and its
children) mid-score and mid-parse, a match whose scoring gets each pool process killed in turn,
and the broker (a Redis of the test's own) stopped and started again during a batch. Each ends
with every document in a final stage and `audit_ledger` clean."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from billing.models import Reservation, ReservationCharge
from billing.selectors import balance_cents, price_per_candidate_cents
from candidates.models import Candidate, Document
from candidates.services import batch_create
from matcher import embeddings
from matcher.models import CandidateEmbedding, Match, MatchFailure, MatchResult
from matcher.services.matches import crashed_scoring_message, embed_crashed_message, match_create
from matcher.services.recovery import work_recover
from outbox.models import Message
from outbox.selectors import message_args_pending
from outbox.services import outbox_flush
from tests.api.conftest import candidate_with_file, fund
from tests.brokers import broker_at
from tests.candidates.factories import resume_pdf, taxonomy, upload
from tests.reliability.faults import (
    RedisServer,
    assert_all_settled_and_ledger_clean,
    wait_for,
    workers,
)
from tests.roles.factories import make_role

__all__ = ["taxonomy"]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def settled(document_ids: list[int]) -> bool:
    return (
        not Document.objects.filter(pk__in=document_ids)
        .exclude(status__in=list(Document.FINAL_STATUSES))
        .exists()
    )


def test_a_match_whose_worker_is_killed_mid_score_finishes_on_another_charged_once(
    alice, alice_org, settings, tmp_path
) -> None:
    count = 80
    fund(alice_org, 100_000)
    role = make_role("Backend Engineer", skills=[("Python", 5, True), ("Docker", 3, False)])
    with workers(settings, tmp_path) as pool:
        people = [
            candidate_with_file(
                alice_org, alice, f"Person {i}", f"p{i}@example.com", "Backend Engineer"
            )
            for i in range(count)
        ]
        first = pool.start()
        match = match_create(org=alice_org, user=alice, role=role, candidates=people)
        wait_for(
            lambda: MatchResult.objects.filter(match=match).exists(),
            timeout=240,
            what="the first results",
            log=pool.log,
        )
        pool.kill(first)
        match.refresh_from_db()
        assert match.status == Match.Status.RUNNING
        assert MatchResult.objects.filter(match=match).count() < count

        settings.MATCH_STALL_SECONDS = 2
        pool.start()
        time.sleep(2.5)  # the dead worker's match goes silent
        assert work_recover().matches == 1
        wait_for(
            lambda: Match.objects.get(pk=match.pk).status == Match.Status.DONE,
            timeout=300,
            what="the match to finish on the second worker",
            log=pool.log,
        )
    match.refresh_from_db()
    price = price_per_candidate_cents()
    assert (match.scored_count, match.failed_count) == (count, 0), match.status_message
    assert match.charged_cents == count * price
    assert ReservationCharge.objects.filter(reservation_id=match.reservation_id).count() == count
    assert Reservation.objects.get(pk=match.reservation_id).status == Reservation.Status.RELEASED
    assert balance_cents(org=alice_org) == 100_000 - count * price
    assert_all_settled_and_ledger_clean()


def test_a_match_that_kills_every_worker_it_reaches_is_stopped_after_three_deaths(
    alice, alice_org, settings, tmp_path, postgres, django_capture_on_commit_callbacks
) -> None:
    fund(alice_org, 100_000)
    role = make_role("Backend Engineer", skills=[("Python", 5, True)])
    people = [
        candidate_with_file(alice_org, alice, f"Person {i}", f"p{i}@example.com", "Engineer")
        for i in range(3)
    ]
    with workers(settings, tmp_path) as pool:
        worker = pool.start()
        with django_capture_on_commit_callbacks() as sends:
            match = match_create(org=alice_org, user=alice, role=role, candidates=people)
        killed = set()
        with transaction.atomic():
            # Each result is stored with its charge, which waits for this lock: every delivery
            # is held mid-score, after it was counted, until its worker is killed.
            Reservation.objects.select_for_update().get(pk=match.reservation_id)
            for send in sends:
                send()
            for death in range(1, settings.SCORE_MAX_ATTEMPTS + 1):
                wait_for(
                    lambda death=death: Match.objects.get(pk=match.pk).score_attempts == death,
                    timeout=240,
                    what=f"delivery {death} of the scoring task",
                    log=pool.log,
                )
                killed.add(pool.kill_child(worker))
        wait_for(
            lambda: Match.objects.get(pk=match.pk).is_finished,
            timeout=240,
            what="the match to be stopped",
            log=pool.log,
        )
        log = pool.log.read_text(errors="replace")
    match.refresh_from_db()
    assert len(killed) == settings.SCORE_MAX_ATTEMPTS  # a new child took each redelivery
    assert "WorkerLostError" in log
    assert match.status == Match.Status.FAILED
    assert match.status_message == crashed_scoring_message(settings.SCORE_MAX_ATTEMPTS)
    assert not MatchResult.objects.filter(match=match).exists()
    assert not ReservationCharge.objects.filter(reservation_id=match.reservation_id).exists()
    assert Reservation.objects.get(pk=match.reservation_id).status == Reservation.Status.RELEASED
    assert balance_cents(org=alice_org) == 100_000
    assert_all_settled_and_ledger_clean()


def test_a_match_whose_embedding_kills_every_worker_fails_that_file_alone(
    alice, alice_org, settings, tmp_path, postgres
) -> None:
    fund(alice_org, 100_000)
    role = make_role("Backend Engineer", skills=[("Python", 5, True)])
    people = [
        candidate_with_file(alice_org, alice, name, f"{name[0]}@example.com", "Engineer")
        for name in ("Ada Byron", "Poison Pill", "Grace Brewster")
    ]
    ada, poison, grace = people
    with workers(settings, tmp_path) as pool:
        # Queued before any worker runs, so that none starts before the row below is held.
        match = match_create(org=alice_org, user=alice, role=role, candidates=people)
        outbox_flush()
        with transaction.atomic():
            # A row for the same candidate and model, never committed: every worker that gets
            # as far as storing the poisoned candidate's vectors waits on it until killed.
            CandidateEmbedding.objects.create(
                organisation=alice_org,
                candidate=poison,
                model_name=embeddings.MODEL_NAME,
                model_version=embeddings.model_version(),
                text_sha256="held",
                dimensions=embeddings.DIMENSIONS,
                chunk_count=0,
                vectors=b"",
            )
            worker = pool.start()

            def stored(candidate) -> bool:
                return CandidateEmbedding.objects.filter(candidate=candidate).exists()

            # The first delivery embeds the three together, stores Ada's vectors and waits.
            wait_for(lambda: stored(ada), timeout=240, what="Ada's vectors", log=pool.log)
            pool.kill_child(worker)
            # Each later one embeds them one at a time, counting the poisoned one's attempt
            # (committed before the model runs) and dying on it.
            for attempt in range(1, settings.PARSE_MAX_ATTEMPTS + 1):
                wait_for(
                    lambda attempt=attempt: (
                        Candidate.objects.get(pk=poison.pk).embed_attempts == attempt
                    ),
                    timeout=240,
                    what=f"attempt {attempt} at the poisoned candidate alone",
                    log=pool.log,
                )
                pool.kill_child(worker)
            wait_for(
                lambda: Match.objects.get(pk=match.pk).is_finished,
                timeout=240,
                what="the match to finish",
                log=pool.log,
            )
            transaction.set_rollback(True)
    match.refresh_from_db()
    # More deaths than SCORE_MAX_ATTEMPTS allows a match, but all of them after the first
    # counted on the poisoned candidate: it fails alone and the others are scored and charged.
    assert 1 + settings.PARSE_MAX_ATTEMPTS > settings.SCORE_MAX_ATTEMPTS
    assert match.status == Match.Status.DONE, match.status_message
    assert {r.candidate for r in MatchResult.objects.filter(match=match)} == {ada, grace}
    failure = MatchFailure.objects.get(match=match)
    assert failure.candidate == poison
    assert failure.message == embed_crashed_message(settings.PARSE_MAX_ATTEMPTS)
    assert match.charged_cents == 2 * price_per_candidate_cents()
    assert balance_cents(org=alice_org) == 100_000 - 2 * price_per_candidate_cents()
    assert_all_settled_and_ledger_clean()


def test_an_upload_whose_worker_is_killed_mid_parse_is_read_by_another(
    alice, alice_org, taxonomy, settings, tmp_path
) -> None:
    with workers(settings, tmp_path) as pool:
        first = pool.start()
        batch = batch_create(
            org=alice_org,
            user=alice,
            files=[
                upload(f"r{i}.pdf", resume_pdf(name=f"Person {i}", email=f"p{i}@example.com"))
                for i in range(4)
            ],
        )
        ids = list(Document.objects.filter(batch=batch).values_list("pk", flat=True))
        reading = wait_for(
            lambda: list(
                Document.objects.filter(batch=batch, status=Document.Status.READING).values_list(
                    "pk", flat=True
                )
            ),
            timeout=120,
            what="a document being read",
            log=pool.log,
        )
        pool.kill(first)
        assert Document.objects.get(pk=reading[0]).status == Document.Status.READING

        settings.MATCH_STALL_SECONDS = 1
        settings.PARSE_TIME_LIMIT_S = 1
        pool.start()
        time.sleep(2.5)
        # The dead worker's chunk is queued again: the file it was reading, and the files of
        # the upload it had not reached.
        assert 1 <= work_recover().documents <= len(ids)
        wait_for(lambda: settled(ids), timeout=240, what="the batch to settle", log=pool.log)
    documents = list(Document.objects.filter(pk__in=ids))
    assert {d.status for d in documents} <= {Document.Status.PARSED, Document.Status.EMBEDDED}, [
        (d.original_name, d.status, d.error_message) for d in documents
    ]
    assert Document.objects.get(pk=reading[0]).attempts == 2
    wait_for(
        lambda: not Document.objects.filter(status=Document.Status.PARSED).exists(),
        timeout=120,
        what="embeddings",
        log=pool.log,
    )
    assert_all_settled_and_ledger_clean()


def test_a_batch_goes_through_a_broker_stopped_and_started_again(
    alice, alice_org, taxonomy, settings, tmp_path
) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    try:
        with broker_at(redis.url), workers(settings, tmp_path, CELERY_BROKER_URL=redis.url) as pool:
            pool.start()
            before = batch_create(
                org=alice_org,
                user=alice,
                files=[
                    upload(f"a{i}.pdf", resume_pdf(name=f"Ann {i}", email=f"a{i}@example.com"))
                    for i in range(4)
                ],
            )
            wait_for(
                lambda: Document.objects.filter(
                    batch=before, status__in=list(Document.FINAL_STATUSES)
                ).exists(),
                timeout=180,
                what="the first file to be read",
                log=pool.log,
            )
            redis.stop()
            during = batch_create(
                org=alice_org,
                user=alice,
                files=[
                    upload(f"b{i}.pdf", resume_pdf(name=f"Bea {i}", email=f"b{i}@example.com"))
                    for i in range(3)
                ],
            )
            # Kept, every file of it: the broker refused them.
            held = {
                pk for args in message_args_pending("matcher.documents_ingest") for pk in args[0]
            }
            assert held == set(Document.objects.filter(batch=during).values_list("pk", flat=True))
            redis.start()
            wait_for(
                lambda: outbox_flush(now=later()) >= 0 and not Message.objects.exists(),
                timeout=60,
                what="the outbox to empty",
            )
            ids = list(
                Document.objects.filter(batch__in=[before, during]).values_list("pk", flat=True)
            )
            wait_for(
                lambda: (
                    not Document.objects.filter(pk__in=ids)
                    .exclude(status=Document.Status.EMBEDDED)
                    .exists()
                ),
                timeout=300,
                what="every file read and embedded",
                log=pool.log,
            )
    finally:
        redis.stop()
    assert Document.objects.filter(status=Document.Status.EMBEDDED).count() == 7
    assert_all_settled_and_ledger_clean()


def later() -> datetime:
    # The outbox waits a little before trying a refused message again; the test does not.
    return timezone.now() + timedelta(minutes=5)
