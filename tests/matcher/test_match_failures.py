"""A file fails alone: whatever breaks while reading, embedding or scoring one candidate fails
that candidate with a reason, and the match completes with the others, each charged once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from billing.models import Reservation, ReservationCharge
from billing.selectors import balance_cents, price_per_candidate_cents
from billing.services import credit_grant
from candidates import services as intake
from candidates.models import Document
from candidates.services import INTERNAL_ERROR, batch_create
from config.celery import app
from matcher import embeddings, ranking, vector_cache
from matcher.models import Match, MatchFailure, MatchResult
from matcher.selectors.workspace import match_not_scored
from matcher.services import matches as matching
from matcher.services.matches import match_create, match_score, pipeline_sweep
from outbox.models import Message
from tests.api.conftest import bearer
from tests.brokers import UNREACHABLE, broker_at
from tests.candidates.factories import CandidateFactory, DocumentFactory, media_root, upload  # noqa: F401
from tests.matcher.test_matching_pipeline import FIT, NO_PYTHON, NURSE
from tests.roles.factories import make_role

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("media_root")]

# A mechanical engineer's plain-text resume written as prose: no line of it reads as a job title,
# which once made the title embedding call the model with nothing and fail the whole match.
NO_TITLE_LINE = """Resume of Sanjay Patel

I have eleven years of hands-on work designing pumps, gearboxes and pressure vessels for process
plants. I take a part from hand calculations through SolidWorks models, finite element checks in
ANSYS and drawings to GD&T, and I stay with it on the shop floor until the first batch passes.

At Kirloskar Brothers in Pune since 2016 I led the redesign of a split-case pump casing, cutting
its weight by fourteen percent, ran FMEA reviews with suppliers and wrote hydrostatic test plans.

From 2012 to 2016 at Thermax in Pune I designed heat exchanger supports, checked them against
ASME Section VIII, prepared bills of materials and worked with the welding shop on fixtures.

I studied mechanical engineering at the College of Engineering Pune and graduated in 2012.

Tools I use every week: SolidWorks, AutoCAD, ANSYS, MATLAB, FMEA and lean manufacturing.
"""

# Only the nurse's resume says this; the broken stage breaks on it and on nothing else.
MARKER = "surgical ward"


@pytest.fixture(autouse=True)
def _fresh_caches():
    vector_cache.cache_clear()
    yield
    vector_cache.cache_clear()


@pytest.fixture
def role(db):
    return make_role(
        "Backend Engineer",
        skills=[("Python", 5, True), ("Kubernetes", 3, False), ("PostgreSQL", 3, False)],
    )


@pytest.fixture
def funded(alice_org):
    credit_grant(
        org=alice_org, cents=1000, kind="adjustment", idempotency_key="test:fund", reference="t"
    )
    return alice_org


def _upload(alice, texts, capture):
    with capture(execute=True):
        batch = batch_create(
            org=alice.membership.organisation,
            user=alice,
            files=[upload(name, text.encode()) for name, text in texts.items()],
        )
    return list(Document.objects.filter(batch=batch).order_by("pk"))


def _run_while_reading(alice, role, texts, capture):
    """Run pressed while the files are still being read, the way a recruiter usually does."""
    with capture() as parses:
        batch = batch_create(
            org=alice.membership.organisation,
            user=alice,
            files=[upload(name, text.encode()) for name, text in texts.items()],
        )
    documents = list(Document.objects.filter(batch=batch).order_by("pk"))
    with capture() as scoring:
        match = match_create(
            org=alice.membership.organisation, user=alice, role=role, documents=documents
        )
    with capture(execute=True):
        for callback in parses:
            callback()
    for callback in scoring:
        callback()
    match.refresh_from_db()
    return match, list(Document.objects.filter(batch=batch).order_by("pk"))


def _run(alice, role, documents, capture):
    with capture(execute=True):
        match = match_create(
            org=alice.membership.organisation, user=alice, role=role, documents=documents
        )
    match.refresh_from_db()
    return match


def test_a_plain_text_resume_with_no_title_line_is_scored(
    alice, funded, role, celery_eager, django_capture_on_commit_callbacks
):
    assert ranking.profile_facts(NO_TITLE_LINE)[1] == []
    documents = _upload(alice, {"sanjay.txt": NO_TITLE_LINE}, django_capture_on_commit_callbacks)
    assert documents[0].status == Document.Status.EMBEDDED, documents[0].error_message
    match = _run(alice, role, documents, django_capture_on_commit_callbacks)
    assert match.status == Match.Status.DONE
    assert (match.scored_count, match.failed_count, match.status_message) == (1, 0, "")
    assert match.charged_cents == price_per_candidate_cents()


def test_nothing_to_embed_gives_nothing_back_and_titles_keep_their_owner():
    assert embeddings.embed_texts([]) == []
    groups = ranking.embed_with_titles(
        [], [[], ["Mechanical Engineer"], [], ["Nurse", "Ward Sister"]]
    )[1]
    assert [len(g) for g in groups] == [0, 1, 0, 2]
    alone = ranking.embed_with_titles([], [["Nurse"]])[1][0]
    assert groups[3][0] == pytest.approx(alone[0], abs=1e-5)


def _break(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes one stage raise for the nurse's resume only, as a bug of ours would."""
    if stage == "parse":
        real_profile = intake.extract_profile

        def profile(text, *args, **kwargs):
            if MARKER in text:
                raise RuntimeError("the profile reader broke")
            return real_profile(text, *args, **kwargs)

        monkeypatch.setattr(intake, "extract_profile", profile)
    elif stage == "embed":
        real_embed = embeddings.embed_texts

        def embed(texts, *args, **kwargs):
            if any(MARKER in t for t in texts):
                raise RuntimeError("the model broke")
            return real_embed(texts, *args, **kwargs)

        monkeypatch.setattr(embeddings, "embed_texts", embed)
    else:
        real_score = ranking.score_one

        def score(role, features, *args, **kwargs):
            if MARKER in features.text:
                raise RuntimeError("the scorer broke")
            return real_score(role, features, *args, **kwargs)

        monkeypatch.setattr(ranking, "score_one", score)


@pytest.mark.parametrize("stage", ["parse", "embed", "score"])
def test_one_candidate_breaking_in_any_stage_fails_alone_and_the_rest_are_charged_once(
    stage,
    alice,
    funded,
    role,
    celery_eager,
    django_capture_on_commit_callbacks,
    monkeypatch,
    client,
):
    _break(stage, monkeypatch)
    texts = {"ada.txt": FIT, "grace.txt": NO_PYTHON, "florence.txt": NURSE}
    match, documents = _run_while_reading(alice, role, texts, django_capture_on_commit_callbacks)
    price = price_per_candidate_cents()

    assert match.status == Match.Status.DONE
    assert (match.scored_count, match.failed_count) == (2, 1)
    assert match.status_message.startswith("Completed with 1 file not scored")
    results = MatchResult.objects.filter(match=match)
    scored = {r.candidate_id for r in results}
    florence = next(d for d in documents if d.original_name == "florence.txt")
    others = [d for d in documents if d.pk != florence.pk]
    assert scored == {d.candidate_id for d in others}
    charges = ReservationCharge.objects.filter(reservation_id=match.reservation_id)
    assert sorted(c.idempotency_key for c in charges) == sorted(
        f"match:{match.pk}:cand:{d.candidate_id}" for d in others
    )
    assert all(c.cents == price for c in charges)
    assert match.charged_cents == 2 * price
    assert Reservation.objects.get(pk=match.reservation_id).status == Reservation.Status.RELEASED
    assert balance_cents(org=funded) == 1000 - 2 * price

    if stage == "parse":
        assert florence.status == Document.Status.FAILED
        assert florence.error_message == INTERNAL_ERROR
        assert florence.candidate_id is None
    else:
        failure = MatchFailure.objects.get(match=match)
        assert failure.candidate_id == florence.candidate_id
        assert failure.stage == stage
        assert "not charged" in failure.message
        assert florence.status == (
            Document.Status.FAILED if stage == "embed" else Document.Status.EMBEDDED
        )
    assert [row["name"] for row in match_not_scored(match=match)] == ["florence.txt"]
    assert all(d.is_final for d in Document.objects.filter(pk__in=[d.pk for d in documents]))
    client.force_login(alice)
    page = client.get(reverse("matcher:match_detail", args=[match.pk])).content.decode()
    assert "Completed with 1 file not scored" in page
    assert "florence.txt" in page
    # The API says the same: which file, and why.
    detail = bearer(alice, funded).get(f"/api/v1/matches/{match.pk}/").json()
    assert detail["failed_count"] == 1
    assert [row["file"] for row in detail["not_scored"]] == ["florence.txt"]
    assert detail["not_scored"][0]["reason"] == match_not_scored(match=match)[0]["reason"]
    Match.objects.filter(pk=match.pk).update(blind=True)
    blind = bearer(alice, funded).get(f"/api/v1/matches/{match.pk}/").json()
    assert [row["file"] for row in blind["not_scored"]] == ["File 1"]
    Match.objects.filter(pk=match.pk).update(blind=False)

    # Delivered again (a worker died after finishing): nothing is charged twice.
    match_score(match_id=match.pk)
    matching.match_fail(match_id=match.pk, message="late")
    assert ReservationCharge.objects.filter(reservation_id=match.reservation_id).count() == 2
    assert balance_cents(org=funded) == 1000 - 2 * price


def test_a_match_that_fails_for_good_keeps_what_it_scored(alice, funded, role, monkeypatch):
    people = [
        CandidateFactory(organisation=funded, name="Ada", text=FIT),
        CandidateFactory(organisation=funded, name="Florence", text=NURSE),
    ]
    match = match_create(org=funded, user=alice, role=role, candidates=people)
    matching._score_batch(match, [people[0]])
    matching.match_fail(match_id=match.pk, message="Scoring stopped on an internal error.")
    match.refresh_from_db()
    assert match.status == Match.Status.DONE
    assert (match.scored_count, match.failed_count) == (1, 1)
    assert MatchFailure.objects.get(match=match).candidate == people[1]
    assert match.charged_cents == price_per_candidate_cents()
    assert balance_cents(org=funded) == 1000 - price_per_candidate_cents()


def test_the_sweep_settles_files_and_matches_left_half_way(
    alice, funded, role, settings, django_capture_on_commit_callbacks, celery_eager
):
    settings.PIPELINE_STUCK_MINUTES = 30
    long_ago = timezone.now() - timedelta(hours=2)
    reading = DocumentFactory(organisation=funded, status=Document.Status.READING)
    fresh = DocumentFactory(organisation=funded, status=Document.Status.UPLOADED)
    nurse = CandidateFactory(organisation=funded, name="Florence", text=NURSE)
    parsed = DocumentFactory(organisation=funded, status=Document.Status.PARSED, candidate=nurse)
    Document.objects.filter(pk__in=[reading.pk, parsed.pk]).update(updated_at=long_ago)

    ada = CandidateFactory(organisation=funded, name="Ada", text=FIT)
    grace = CandidateFactory(organisation=funded, name="Grace", text=NO_PYTHON)
    running = match_create(org=funded, user=alice, role=role, candidates=[ada, grace])
    matching._score_batch(running, [ada])
    Match.objects.filter(pk=running.pk).update(status=Match.Status.RUNNING, updated_at=long_ago)
    queued = match_create(org=funded, user=alice, role=role, candidates=[ada])
    Match.objects.filter(pk=queued.pk).update(updated_at=long_ago)
    alive = match_create(org=funded, user=alice, role=role, candidates=[grace])
    Message.objects.all().delete()  # the broker took the tasks, then lost them

    with django_capture_on_commit_callbacks(execute=True):
        report = pipeline_sweep()

    reading.refresh_from_db()
    assert (reading.status, reading.error_code) == (Document.Status.FAILED, "stuck")
    assert "not charged" in reading.error_message
    assert Document.objects.get(pk=fresh.pk).status == Document.Status.UPLOADED
    assert Document.objects.get(pk=parsed.pk).status == Document.Status.EMBEDDED
    running.refresh_from_db()
    assert running.status == Match.Status.DONE
    assert (running.scored_count, running.failed_count) == (1, 1)
    assert MatchFailure.objects.get(match=running).message == matching.STUCK_SCORING
    assert running.charged_cents == price_per_candidate_cents()
    assert Match.objects.get(pk=queued.pk).status == Match.Status.DONE  # queued again, ran
    assert Match.objects.get(pk=alive.pk).status == Match.Status.QUEUED
    assert (report.documents_failed, report.documents_embedded) == (1, 1)
    assert (report.matches_requeued, report.matches_ended) == (1, 1)


def test_a_file_never_read_is_queued_again_and_fails_only_after_the_give_up_horizon(
    funded,
    settings,
    django_capture_on_commit_callbacks,
    celery_eager,
    media_root,  # noqa: F811
):
    """A file whose task waits behind a long queue looks exactly like one whose task was lost:
    the sweep queues it again rather than failing it, and gives up only after
    PIPELINE_GIVE_UP_HOURS."""
    settings.PIPELINE_STUCK_MINUTES = 30
    settings.PIPELINE_GIVE_UP_HOURS = 24
    now = timezone.now()
    waiting = DocumentFactory(
        organisation=funded,
        status=Document.Status.UPLOADED,
        original_name="ada.txt",
        file=ContentFile(FIT.encode(), name="ada.txt"),
    )
    forgotten = DocumentFactory(organisation=funded, status=Document.Status.UPLOADED)
    Document.objects.filter(pk=waiting.pk).update(updated_at=now - timedelta(minutes=45))
    Document.objects.filter(pk=forgotten.pk).update(
        created_at=now - timedelta(hours=25), updated_at=now - timedelta(hours=25)
    )
    Message.objects.all().delete()  # the broker took their tasks, then lost them

    with django_capture_on_commit_callbacks() as sends:
        report = pipeline_sweep(now=now)

    assert (report.documents_requeued, report.documents_failed) == (1, 1)
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.error_code) == (Document.Status.FAILED, "stuck")
    assert forgotten.error_message == matching.NEVER_READ
    # Queued again and still waiting behind the queue: the sweep touched it, so the next one
    # leaves it until another 30 minutes pass.
    assert Document.objects.get(pk=waiting.pk).updated_at == now
    again = pipeline_sweep(now=now + timedelta(minutes=10))
    assert (again.documents_requeued, again.documents_failed) == (0, 0)
    for send in sends:  # the broker takes the task again, and a worker reads the file
        send()
    waiting.refresh_from_db()
    assert waiting.status == Document.Status.EMBEDDED
    assert waiting.candidate is not None


@pytest.fixture
def own_queue():
    """A default queue of the test's own on the real broker (Redis in CI, the filesystem
    otherwise), with no worker reading it."""
    queue = f"test-backlog-{uuid.uuid4().hex[:10]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = previous
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def test_a_file_never_read_waits_while_the_broker_still_holds_messages_for_the_readers(
    funded, settings, own_queue
):
    """Queued again on every sweep, a file behind a long line would only add a duplicate at its
    end: while messages wait, the sweep leaves it, unless it has waited BACKLOG_PATIENCE times
    PIPELINE_STUCK_MINUTES (a broker that is never empty must not keep a lost task lost); once
    the line is empty, it queues it."""
    settings.PIPELINE_STUCK_MINUTES = 30
    now = timezone.now()
    waiting = DocumentFactory(organisation=funded, status=Document.Status.UPLOADED)
    Document.objects.filter(pk=waiting.pk).update(updated_at=now - timedelta(minutes=45))
    long_lost = DocumentFactory(organisation=funded, status=Document.Status.UPLOADED)
    Document.objects.filter(pk=long_lost.pk).update(updated_at=now - timedelta(minutes=125))
    Message.objects.all().delete()  # the broker took their tasks
    app.send_task("config.ping", queue=own_queue)  # and holds someone's work ahead of them

    report = pipeline_sweep(now=now)

    assert (report.documents_requeued, report.documents_behind_backlog) == (1, 1)
    assert Message.objects.get(task="matcher.documents_ingest").args == [[long_lost.pk]]
    assert Document.objects.get(pk=waiting.pk).updated_at == now - timedelta(minutes=45)

    Message.objects.all().delete()
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(own_queue)
    report = pipeline_sweep(now=now + timedelta(minutes=5))

    assert (report.documents_requeued, report.documents_behind_backlog) == (1, 0)
    assert Message.objects.get(task="matcher.documents_ingest").args == [[waiting.pk]]


def test_with_the_broker_unreachable_a_file_never_read_is_queued_again_through_the_outbox(
    funded, settings
):
    """The queue's length cannot be read: the sweep does as it did before it could, and the
    outbox sends the task once the broker is back."""
    settings.PIPELINE_STUCK_MINUTES = 30
    now = timezone.now()
    waiting = DocumentFactory(organisation=funded, status=Document.Status.UPLOADED)
    Document.objects.filter(pk=waiting.pk).update(updated_at=now - timedelta(minutes=45))
    Message.objects.all().delete()
    with broker_at(UNREACHABLE):
        report = pipeline_sweep(now=now)

    assert (report.documents_requeued, report.documents_behind_backlog) == (1, 0)
    assert Message.objects.get(task="matcher.documents_ingest").args == [[waiting.pk]]


def test_the_sweep_runs_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["matcher-pipeline-sweep"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= timedelta(minutes=settings.PIPELINE_STUCK_MINUTES)
