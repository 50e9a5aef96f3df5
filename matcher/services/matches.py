"""Embedding candidates, running matches, re-weighting them, recording decisions.

Money: `match_create` reserves the whole cost (price per candidate x candidates) before anything
runs; `match_score` charges each candidate once when its result is stored (same transaction,
idempotency key `match:<id>:cand:<id>`), and releases what is left when the match ends.
Candidates whose file could not be read are never charged. A worker killed at any point redoes
the task: stored results are skipped (unique per match and candidate), charges are keyed, the
release happens once. A match whose deliveries keep dying without moving on is ended after
SCORE_MAX_ATTEMPTS of them (`match_score_delivery`) rather than handed out forever.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import numpy as np
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organisation, User
from billing.exceptions import BillingError, InsufficientCredit
from billing.money import format_cents
from billing.selectors import price_per_candidate_cents
from billing.services import credit_reserve, reservation_charge, reservation_release
from candidates.models import Candidate, Document, UploadBatch
from candidates.selectors import batch_documents, candidate_list
from candidates.services import INTERNAL_ERROR, document_fail, document_parse
from matcher import embeddings, lexical, ranking, reference, scoring, vector_cache
from matcher.blind import identity_from_profile, mask_identity, mask_text
from matcher.models import CandidateEmbedding, Match, MatchFailure, MatchResult
from matcher.selectors.matches import role_skill_profile
from outbox.selectors import broker_backlog, message_args_pending, message_pending
from outbox.services import task_enqueue
from roles.models import RoleSkill
from roles.selectors import skill_matcher

logger = logging.getLogger(__name__)

SCORE_BATCH = 64
POOL_STATS_LIMIT = 5000
# "The whole pool" takes up to this many candidates, newest first, like the API's candidate list.
WHOLE_POOL_LIMIT = 10_000

EMBED_FAILED_CODE = "embed_failed"
EMBED_FAILED = (
    "Something went wrong on our side while preparing this resume for scoring. It was not "
    "charged; upload it again later, and tell us if it keeps happening."
)


def embed_crashed_message(times: int) -> str:
    return (
        f"Preparing this resume for scoring stopped our worker {times} times (it ran out of "
        "memory or was killed), so it was set aside. It was not charged; upload it again as a "
        "shorter or simpler file, and tell us if it keeps happening."
    )


SCORE_FAILED = (
    "Something went wrong on our side while scoring this resume. It was not charged; run the "
    "match again later, and tell us if it keeps happening."
)
# Failures of the platform rather than of one candidate (the database went away, the task ran
# out of time, the reservation is settled): the whole task is retried instead of blaming files.
NOT_THE_CANDIDATES: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    SoftTimeLimitExceeded,
    BillingError,
)


class MatchError(ValueError):
    """A match cannot be created or changed as asked; the message is for the recruiter."""


class MatchInputError(MatchError):
    """One of the chosen things does not exist for the organisation; `field` names which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


# --- Embeddings --------------------------------------------------------------------------------


def _identity(candidate: Candidate) -> Any:
    return identity_from_profile(
        candidate.profile,
        name=candidate.name,
        email=candidate.email,
        phone=candidate.phone,
        location=candidate.location,
    )


def candidate_embedding_text(candidate: Candidate) -> str:
    """What the model reads for a candidate: the text without who they are (name, contacts,
    links, address, birth date), the same for blind and normal matches."""
    return str(mask_identity(candidate.text, _identity(candidate)))


def candidate_scoring_text(candidate: Candidate, *, blind: bool) -> str:
    """What the lexical and skill components read: the text as written, or for a blind match
    with identity and bias-prone details (gendered words, graduation years) masked."""
    return str(mask_text(candidate.text, _identity(candidate))) if blind else candidate.text


def _embed_batch_or_each(
    batch: Sequence[Candidate], inputs: Mapping[int, str], broken: dict[int, str]
) -> list[tuple[Candidate, dict[str, Any]]]:
    """Embeds a batch in one pass; if one text breaks it, one by one, to fail only that one."""
    try:
        return _embed_batch(batch, inputs)
    except NOT_THE_CANDIDATES:
        raise
    except Exception:
        made = []
        for candidate in batch:
            try:
                made.extend(_embed_batch([candidate], inputs))
            except NOT_THE_CANDIDATES:
                raise
            except Exception:
                logger.exception("embedding candidate %s failed", candidate.pk)
                broken[candidate.pk] = EMBED_FAILED
        return made


def _documents_settle(*, embedded: list[int], broken: Mapping[int, str]) -> None:
    """The documents of candidates now embedded are ready; those of broken ones fail with their
    candidate's reason."""
    if embedded:
        # A document failed by an earlier broken attempt is ready again once its vectors exist.
        Document.objects.filter(candidate_id__in=embedded).filter(
            Q(status=Document.Status.PARSED)
            | Q(status=Document.Status.FAILED, error_code=EMBED_FAILED_CODE)
        ).update(status=Document.Status.EMBEDDED, error_code="", error_message="")
    by_reason: dict[str, list[int]] = {}
    for candidate_id, reason in broken.items():
        by_reason.setdefault(reason, []).append(candidate_id)
    for reason, ids in by_reason.items():
        Document.objects.filter(candidate_id__in=ids, status__in=[Document.Status.PARSED]).update(
            status=Document.Status.FAILED,
            error_code=EMBED_FAILED_CODE,
            error_message=reason,
            updated_at=timezone.now(),
        )


def candidates_embed(
    *,
    candidates: Sequence[Candidate],
    failures: dict[int, str] | None = None,
    cautious: bool = False,
    on_attempt: Callable[[], object] | None = None,
) -> dict[int, CandidateEmbedding]:
    """Current embeddings for `candidates`, embedding (in shared batches) those that lack one.

    A candidate whose text breaks the model fails alone: it is left out of the result, its
    reason goes into `failures` (candidate id -> message) and its documents are failed with it.
    Idempotent: a candidate embedded meanwhile by another worker keeps that worker's row.

    `cautious`, for work handed out again after its worker died: each candidate is embedded
    and stored alone, its attempt counted and committed first, so a text that kills every
    worker fails alone after PARSE_MAX_ATTEMPTS instead of taking its batch down each time;
    `on_attempt` runs in the transaction that counts each attempt."""
    version = embeddings.model_version()
    found: dict[int, CandidateEmbedding] = {}
    # The hash is of the masked text, so a corrected name re-embeds like a changed text.
    inputs: dict[int, str] = {}
    broken: dict[int, str] = {}
    for c in candidates:
        try:
            inputs[c.pk] = candidate_embedding_text(c)
        except NOT_THE_CANDIDATES:
            raise
        except Exception:
            logger.exception("masking candidate %s failed", c.pk)
            broken[c.pk] = EMBED_FAILED
    # A corrected headline is one of the titles embedded, so correcting it re-embeds too.
    headlines = {c.pk: _corrected_headline(c) for c in candidates}
    hashes = {
        pk: _sha(f"{text}\n{headlines[pk]}" if headlines[pk] else text)
        for pk, text in inputs.items()
    }
    for row in CandidateEmbedding.objects.filter(
        candidate_id__in=list(hashes), model_version=version
    ):
        if row.text_sha256 == hashes[row.candidate_id]:
            found[row.candidate_id] = row
    todo = [c for c in candidates if c.pk in inputs and c.pk not in found]
    touched_orgs: set[int] = set()
    step = 1 if cautious else SCORE_BATCH
    for start in range(0, len(todo), step):
        group = todo[start : start + step]
        if cautious and (died := _embed_attempt_count(group[0], on_attempt)):
            broken[group[0].pk] = embed_crashed_message(died)
            continue
        made = _embed_batch_or_each(group, inputs, broken)
        # Another worker (the intake chunk and a match's own task, or the sweep) may have stored
        # this very reading while this one ran the model: keep its row, so the vectors are not
        # rewritten and the organisation's vector cache stays valid. One query for the group.
        stored_meanwhile = {
            row.candidate_id: row
            for row in CandidateEmbedding.objects.filter(
                candidate_id__in=[c.pk for c, _ in made], model_version=version
            )
            if row.text_sha256 == hashes[row.candidate_id]
        }
        for candidate, fields in made:
            fields["text_sha256"] = hashes[candidate.pk]
            if candidate.pk in stored_meanwhile:
                found[candidate.pk] = stored_meanwhile[candidate.pk]
                continue
            try:
                with transaction.atomic():
                    row, _ = CandidateEmbedding.objects.update_or_create(
                        candidate=candidate, model_version=version, defaults=fields
                    )
            except IntegrityError:
                row = CandidateEmbedding.objects.get(candidate=candidate, model_version=version)
            found[candidate.pk] = row
            touched_orgs.add(candidate.organisation_id)
        stored = [c.pk for c, _ in made]
        Candidate.objects.filter(pk__in=stored, embed_attempts__gt=0).update(embed_attempts=0)
    _documents_settle(embedded=list(found), broken=broken)
    if broken and failures is not None:
        failures.update(broken)
    for org_id in touched_orgs:
        vector_cache.pool_changed(org_id)
    return found


def _embed_attempt_count(candidate: Candidate, on_attempt: Callable[[], object] | None) -> int:
    """Counts one more attempt at embedding `candidate` alone, committed before the model runs
    (a death would roll back anything later); returns how many attempts died before this one
    once there have been PARSE_MAX_ATTEMPTS of them, else 0."""
    with transaction.atomic():
        if on_attempt is not None:
            on_attempt()
        Candidate.objects.filter(pk=candidate.pk).update(embed_attempts=F("embed_attempts") + 1)
        attempts = Candidate.objects.values_list("embed_attempts", flat=True).get(pk=candidate.pk)
    died = attempts - 1
    if died < settings.PARSE_MAX_ATTEMPTS:
        return 0
    logger.error(
        "embedding candidate %s stopped its worker %s times; set aside", candidate.pk, died
    )
    return died


def _embed_batch(
    batch: Sequence[Candidate], inputs: Mapping[int, str]
) -> list[tuple[Candidate, dict[str, Any]]]:
    """The embedding rows' fields for a batch, computed with the model, nothing stored."""
    titles = [_candidate_titles(c, inputs[c.pk]) for c in batch]
    embedded, title_vectors = ranking.embed_with_titles([inputs[c.pk] for c in batch], titles)
    out = []
    for candidate, emb, names, tvecs in zip(batch, embedded, titles, title_vectors, strict=True):
        out.append(
            (
                candidate,
                {
                    "organisation_id": candidate.organisation_id,
                    "model_name": embeddings.MODEL_NAME,
                    "dimensions": embeddings.DIMENSIONS,
                    "chunk_count": len(emb.chunks),
                    "token_count": emb.n_tokens,
                    "vectors": embeddings.to_bytes(emb.vectors),
                    "spans": [[c.char_start, c.char_end] for c in emb.chunks],
                    "titles": names,
                    "title_vectors": embeddings.to_bytes(tvecs),
                    "created_at": timezone.now(),
                },
            )
        )
    return out


def _corrected_headline(candidate: Candidate) -> str:
    return candidate.headline if "headline" in (candidate.corrections or {}) else ""


def _candidate_titles(candidate: Candidate, masked: str) -> list[str]:
    """The titles the evaluation reads (`ranking.titles_of`), plus a headline the recruiter
    corrected. Intake's own headline stays out: every ranking figure was measured without it,
    and reading it in place of the line under the name measured no better (docs/parsing.md)."""
    titles = ranking.titles_of(masked)
    headline = _corrected_headline(candidate)
    if headline and headline not in titles:
        titles = [headline, *titles][: ranking.MAX_TITLES]
    # A blank title has no vector, and the stored titles must line up with their vectors.
    return [t[:100] for t in titles if t.strip()]


def candidate_embed(*, candidate_id: int) -> CandidateEmbedding | None:
    """The task's work: embed one candidate if needed, then mark its documents embedded (or
    failed with a reason, when its text breaks the model). None when gone or failed."""
    candidate = Candidate.objects.filter(pk=candidate_id).first()
    if candidate is None:
        return None  # deleted since the upload; nothing to do
    # Alone anyway, so counting its attempt costs one statement and bounds a text that kills.
    return candidates_embed(candidates=[candidate], cautious=True).get(candidate.pk)


# --- Reading, embedding and scoring uploads in chunks ------------------------------------


@dataclass
class IngestOutcome:
    parsed: int
    embedded: int
    # Documents this task had no time left for; the task queues them again.
    left: list[int]


def documents_ingest(*, document_ids: Sequence[int], budget_s: float) -> IngestOutcome:
    """Reads a chunk of uploads, embeds the new candidates in one pass through the model, and
    scores them in the matches waiting for them: one task where there were three a file.

    A file that fails to read fails alone with its reason, as in `document_parse`. Past
    `budget_s` seconds the rest of the chunk is handed back, so one slow file (OCR) never
    pushes the chunk into Celery's time limit. A file already read when the chunk arrives was
    read by a delivery whose worker died before embedding it: the chunk is then embedded with
    care (`candidates_embed`'s `cautious`)."""
    started = time.monotonic()
    redelivered = Document.objects.filter(
        pk__in=list(document_ids), status=Document.Status.PARSED
    ).exists()
    ready: list[int] = []
    for index, document_id in enumerate(document_ids):
        if index and time.monotonic() - started > budget_s:
            left = list(document_ids[index:])
            break
        try:
            document = document_parse(document_id=document_id, embed=False)
        except NOT_THE_CANDIDATES:
            raise
        except Exception:
            # A bug of ours must not leave the file "reading" forever: fail it, and log for us.
            logger.exception("reading document %s failed unexpectedly", document_id)
            document = Document.objects.filter(pk=document_id).first()
            if document is not None:
                document_fail(document=document, code="internal", message=INTERNAL_ERROR)
            continue
        parsed = document is not None and document.status == Document.Status.PARSED
        # A parsed document always has its candidate; the check tells the type checker so.
        if parsed and document is not None and document.candidate_id is not None:
            ready.append(document.candidate_id)
    else:
        left = []
    embedded = candidates_ready(candidate_ids=ready, cautious=redelivered)
    return IngestOutcome(parsed=len(ready), embedded=embedded, left=left)


def candidates_ready(*, candidate_ids: Sequence[int], cautious: bool = False) -> int:
    """Embeds freshly read candidates together, then scores them in every running match that
    chose their files; returns how many were embedded."""
    if not candidate_ids:
        return 0
    candidates = list(Candidate.objects.filter(pk__in=list(candidate_ids)).order_by("pk"))
    rows = candidates_embed(candidates=candidates, cautious=cautious)
    matches = (
        Match.objects.filter(
            status__in=list(Match.ACTIVE_STATUSES), documents__candidate_id__in=list(rows)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for match_id in list(matches):
        match_score(match_id=match_id, only=list(rows))
    return len(rows)


# --- Creating a match -------------------------------------------------------------------------


def role_snapshot(role: Any) -> dict[str, Any]:
    """What the match scores against, frozen: the role's words and its skill profile, with the
    skills its description lists that the taxonomy does not know (`ranking.listed_skills`,
    negative ids), which the recruiter re-weighs like any other."""
    return {
        "title": role.title,
        "version": role.version,
        "text": role.scoring_text,
        "skills": role_skill_profile(role),
    }


def _check_weights(weights: Mapping[str, Any] | None, skill_ids: Iterable[int]) -> dict[str, Any]:
    """Component weights and per-skill overrides, validated; raises MatchError with a reason."""
    if not weights:
        return {}
    clean: dict[str, Any] = {}
    try:
        components = {k: weights[k] for k in scoring.COMPONENTS if weights.get(k) is not None}
        scoring.normalise_weights(components)
        clean.update({k: float(v) for k, v in components.items()})
        if weights.get("level") is not None:
            clean["level"] = scoring.level_step(weights)
        known = {str(s) for s in skill_ids}
        skills: dict[str, dict[str, Any]] = {}
        for key, change in dict(weights.get("skill_weights") or {}).items():
            if str(key) not in known:
                raise MatchError("A weight was given for a skill this role does not list.")
            entry: dict[str, Any] = {}
            if "weight" in change:
                entry["weight"] = scoring._valid_weight(change["weight"])
            if "must_have" in change:
                entry["must_have"] = bool(change["must_have"])
            if "min_years" in change:
                years = change["min_years"]
                entry["min_years"] = int(years) if years not in (None, "") else None
                top = RoleSkill.MAX_MIN_YEARS
                if entry["min_years"] is not None and not 0 <= entry["min_years"] <= top:
                    raise MatchError(f"Minimum years must be between 0 and {top}.")
            skills[str(key)] = entry
        if skills:
            clean["skill_weights"] = skills
    except (TypeError, ValueError) as exc:
        if isinstance(exc, MatchError):
            raise
        raise MatchError(f"These weights cannot be used: {exc}") from exc
    return clean


def _check_role(*, role: Any, org: Organisation) -> None:
    if role.organisation_id not in (None, org.pk) or (
        role.organisation_id is None and role.status != "published"
    ):
        raise MatchError("This role is not available to your organisation.")


def _check_confirmed(*, count: int, price: int, confirmed_cents: int | None) -> None:
    if confirmed_cents is not None and count * price > confirmed_cents:
        raise MatchError(
            f"This match would score {count} candidates for {format_cents(count * price)}, "
            f"more than the {format_cents(confirmed_cents)} you confirmed: an archive held "
            "more resumes than were counted. Nothing was charged and your uploads are kept in "
            "your pool; check the total and run the match again."
        )


def _match_members(
    *, org: Organisation, candidates: Iterable[Candidate], documents: Iterable[Document]
) -> tuple[dict[int, Candidate], dict[int, Document]]:
    """The candidates to score now, and the uploads that join once read, by id."""
    chosen = {c.pk: c for c in candidates}
    if any(c.organisation_id != org.pk for c in chosen.values()):
        raise MatchError("Some of the chosen candidates are not in your organisation.")
    pending = {}
    for document in documents:
        if document.organisation_id != org.pk:
            raise MatchError("Some of the chosen files are not in your organisation.")
        if document.status == Document.Status.FAILED:
            continue  # unreadable: never part of a match, never paid for
        if document.candidate is not None:
            chosen.setdefault(document.candidate.pk, document.candidate)
        else:
            pending[document.pk] = document
    return chosen, pending


def _match_save(
    *, org: Organisation, role: Any, user: User | None, fields: dict[str, Any]
) -> Match:
    """The role's match waiting for credit, given these fields, or a new one. In the caller's
    transaction: the lock on the waiting match holds until its candidates are set."""
    match = (
        Match.objects.select_for_update()
        # Only one already refused credit (it says why): a match another request has just
        # created is waiting too until its reservation lands, and must not be taken.
        .filter(organisation=org, role=role, status=Match.Status.WAITING_FOR_CREDIT)
        .exclude(status_message="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if match is None:
        return Match.objects.create(
            organisation=org,
            role=role,
            status=Match.Status.WAITING_FOR_CREDIT,
            created_by=user,
            **fields,
        )
    for name, value in fields.items():
        setattr(match, name, value)
    match.save(update_fields=[*fields, "updated_at"])
    return match


def match_create(
    *,
    org: Organisation,
    user: User | None,
    role: Any,
    candidates: Iterable[Candidate] = (),
    documents: Iterable[Document] = (),
    weights: Mapping[str, Any] | None = None,
    blind: bool = False,
    confirmed_cents: int | None = None,
) -> Match:
    """Creates a match and reserves its whole cost; without enough credit the match waits.

    `confirmed_cents` is the cost the recruiter was shown and agreed to: a match that would cost
    more (a ZIP held more resumes than counted) is refused before anything is reserved, so the
    charge never exceeds what was confirmed without asking again.

    `documents` are uploads still being read: they count (and are reserved) as candidates, join
    the match when parsed, and are given back if their file cannot be read.

    A match of the same role already waiting for credit is reused rather than joined by another:
    it takes this selection and tries the reservation again, so clicking Run twice while short
    of credit leaves one waiting match, not two. It has reserved nothing, so nothing moves."""
    _check_role(role=role, org=org)
    chosen, pending = _match_members(org=org, candidates=candidates, documents=documents)
    count = len(chosen) + len(pending)
    if count == 0:
        raise MatchError("Choose at least one candidate or upload at least one resume.")
    snapshot = role_snapshot(role)
    clean = _check_weights(weights, [s["skill_id"] for s in snapshot["skills"]])
    price = price_per_candidate_cents()
    _check_confirmed(count=count, price=price, confirmed_cents=confirmed_cents)
    fields = {
        "role_version": role.version,
        "role_title": role.title[:200],
        "role_snapshot": snapshot,
        "blind": blind,
        "weights": clean,
        "price_cents": price,
        "candidate_count": count,
        "scoring_version": scoring.SCORING_VERSION,
    }
    with transaction.atomic():
        match = _match_save(org=org, role=role, user=user, fields=fields)
        match.candidates.set(list(chosen))
        match.documents.set(list(pending))
    return _match_reserve(match=match, user=user)


def _waiting_message(exc: Any) -> str:
    """The one sentence a waiting match shows: what it needs, what there is, what to do."""
    if exc.available_cents < 0:
        return f"{exc.message} Nothing has been charged and your candidates are kept."
    # Stored, and read over the API long after: worded so that a top-up since does not make
    # it false (the workspace page shows the balance of now beside it).
    return (
        f"This match needs {format_cents(exc.needed_cents)} of credit; your balance was "
        f"{format_cents(exc.available_cents)} when it was tried. Nothing has been charged and "
        "your candidates are kept: buy credits, then resume the match."
    )


def match_start(
    *,
    org: Organisation,
    user: User | None,
    role: Any,
    candidate_ids: Iterable[int] = (),
    whole_pool: bool = False,
    batches: Iterable[UploadBatch] = (),
    weights: Mapping[str, Any] | None = None,
    blind: bool = False,
    confirmed_cents: int | None = None,
) -> Match:
    """Starts a match from what a recruiter chose, in the workspace or over the API: candidates
    of the pool by id (or the whole pool), and uploads whose files may still be being read.

    Raises MatchInputError for an id not in the organisation's pool, MatchError when the match
    cannot be made (see `match_create`)."""
    pool = candidate_list(org=org)
    if whole_pool:
        chosen = list(pool[:WHOLE_POOL_LIMIT])
    else:
        ids = set(candidate_ids)
        chosen = list(pool.filter(pk__in=ids))
        unknown = sorted(ids - {c.pk for c in chosen})
        if unknown:
            raise MatchInputError(
                "candidates", f"No candidate with these ids in your pool: {unknown}."
            )
    documents = [
        d
        for batch in batches
        for d in batch_documents(batch=batch)
        if d.status != Document.Status.FAILED
    ]
    return match_create(
        org=org,
        user=user,
        role=role,
        candidates=chosen,
        documents=documents,
        weights=weights,
        blind=blind,
        confirmed_cents=confirmed_cents,
    )


def _match_reserve(*, match: Match, user: User | None) -> Match:
    cost = match.cost_cents
    try:
        with transaction.atomic():
            reservation = (
                credit_reserve(
                    org=match.organisation,
                    cents=cost,
                    # Shown in the organisation's credit history: no platform-wide id.
                    reference=f"Match: {match.role_title}"[:255],
                    idempotency_key=f"match:{match.pk}:reserve",
                    actor=user,
                )
                if cost > 0
                else None
            )
            Match.objects.filter(pk=match.pk).update(
                status=Match.Status.QUEUED,
                status_message="",
                reservation=reservation,
                updated_at=timezone.now(),
            )
            # In the reservation's transaction: credit is never held for a match nobody will run.
            task_enqueue("matcher.match_score", match.pk)
    except InsufficientCredit as exc:
        Match.objects.filter(pk=match.pk).update(
            status=Match.Status.WAITING_FOR_CREDIT,
            status_message=_waiting_message(exc),
        )
    match.refresh_from_db()
    return match


def match_resume(*, match: Match, user: User | None = None) -> Match:
    """Tries the reservation again for a match that waited for credit (after a top-up)."""
    if match.status != Match.Status.WAITING_FOR_CREDIT:
        raise MatchError("Only a match waiting for credit can be resumed.")
    return _match_reserve(match=match, user=user)


# --- Scoring ----------------------------------------------------------------------------------


@dataclass
class ScoreProgress:
    scored: int
    failed: int
    waiting: int
    done: bool


_pool_lock = threading.Lock()
# org id -> (pool version, candidates counted, highest candidate id counted, statistics). One
# organisation's statistics hold a word count for every word its pool uses (up to a few MB
# for a large pool), so a worker that serves many organisations keeps the most recent few.
POOL_CACHE_SIZE = 32
_pool_stats: OrderedDict[int, tuple[int, int, int, lexical.PoolStats]] = OrderedDict()
# Keyed by match: a worker lives through thousands of matches and needs only those it is
# scoring now, so the least recently used are dropped past this many (about 3 kB each).
ROLE_CACHE_SIZE = 256
_role_vectors: OrderedDict[tuple[int, str, str], tuple[np.ndarray, np.ndarray | None]] = (
    OrderedDict()
)
_role_references: OrderedDict[tuple[int, str, str], dict[str, float]] = OrderedDict()

_K = TypeVar("_K")
_V = TypeVar("_V")


def _recent_get(cache: OrderedDict[_K, _V], key: _K) -> _V | None:
    with _pool_lock:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
        return value


def _recent_put(cache: OrderedDict[_K, _V], key: _K, value: _V, *, size: int | None = None) -> None:
    limit = ROLE_CACHE_SIZE if size is None else size
    with _pool_lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > limit:
            cache.popitem(last=False)


def process_caches_clear() -> None:
    """Forgets this process's pool statistics, role vectors and pool matrices (a test's
    database is rolled back under them, and its ids are reused)."""
    with _pool_lock:
        _pool_stats.clear()
        _role_vectors.clear()
        _role_references.clear()
    vector_cache.cache_clear()


def pool_stats_for_org(org_id: int) -> lexical.PoolStats:
    """Document frequencies over the organisation's pool (its latest candidates), cached per
    process until the pool changes.

    A pool that only grew (an upload being read while its match scores, chunk after chunk) is
    brought up to date by adding the new candidates: counting them is additive, and reading the
    whole pool again after every chunk would cost quadratic time on a large upload."""
    version = vector_cache.pool_version(org_id)
    hit = _recent_get(_pool_stats, org_id)
    if hit is not None and hit[0] == version:
        return hit[3]
    pool = Candidate.objects.filter(organisation_id=org_id)
    count = pool.count()
    if hit is not None and count <= POOL_STATS_LIMIT:
        _, counted, highest, stats = hit
        added = list(pool.filter(pk__gt=highest).values_list("pk", "text"))
        if counted + len(added) == count:  # nothing was deleted: the sums still hold
            for _, text in added:
                stats.add(lexical.tokens(text))
            highest = max([highest, *(pk for pk, _ in added)])
            _recent_put(_pool_stats, org_id, (version, count, highest, stats), size=POOL_CACHE_SIZE)
            return stats
    stats = lexical.PoolStats()
    rows = pool.order_by("-created_at").values_list("pk", "text")[:POOL_STATS_LIMIT]
    counted = highest = 0
    for pk, text in rows.iterator(chunk_size=500):
        stats.add(lexical.tokens(text))
        counted += 1
        highest = max(highest, pk)
    _recent_put(_pool_stats, org_id, (version, counted, highest, stats), size=POOL_CACHE_SIZE)
    return stats


def _role_reference(
    match: Match, role: ranking.RoleFeatures, stats: lexical.PoolStats, finder: Any
) -> dict[str, float]:
    """The role's statistics over the reference pool (`matcher.reference`), once a match and
    process: about 0.05 s over the pool's 179 resumes, plus 0.2 s to load the pool the first
    time a process needs it. Computed with the organisation's pool statistics of the match's
    first chunk; later chunks reuse them, so the reference a match's candidates are read
    against does not move under it."""
    key = _role_key(match)
    cached = _recent_get(_role_references, key)
    if cached is None:
        cached = reference.role_stats(role, reference.pool(finder), stats)
        _recent_put(_role_references, key, cached)
    return cached


def _role_key(match: Match) -> tuple[int, str, str]:
    return (match.pk, embeddings.model_version(), _sha(match.role_snapshot.get("text", "")))


def _role_features(match: Match) -> ranking.RoleFeatures:
    snap = match.role_snapshot
    skills = [scoring.RoleSkillSpec(**s) for s in snap.get("skills", [])]
    key = _role_key(match)
    cached = _recent_get(_role_vectors, key)
    if cached is None:
        role = ranking.role_features(
            title=snap.get("title", ""), text=snap.get("text", ""), skills=skills
        )
        _recent_put(_role_vectors, key, (role.vector, role.title_vector))
        return role
    return ranking.role_features(
        title=snap.get("title", ""),
        text=snap.get("text", ""),
        skills=skills,
        vector=cached[0],
        title_vector=cached[1],
    )


def _resolve_documents(match: Match) -> tuple[int, int]:
    """Moves parsed uploads into the match's candidates; returns (unreadable, still reading)."""
    rows = list(match.documents.values_list("candidate_id", "status"))
    have = set(match.candidates.values_list("pk", flat=True))
    joined = {cid for cid, _ in rows if cid and cid not in have}
    if joined:
        # Read: from here on it counts as its candidate (scored, or failed with a reason).
        match.candidates.add(*joined)
    failed = sum(1 for cid, status in rows if not cid and status == Document.Status.FAILED)
    waiting = sum(1 for cid, status in rows if not cid and status != Document.Status.FAILED)
    return failed, waiting


def match_score(
    *, match_id: int, only: Iterable[int] | None = None, cautious: bool = False
) -> ScoreProgress:
    """Scores the candidates of the match that are ready and not yet scored; safe to rerun.

    `only`: score just these candidates (those a task has just read and embedded), then finish
    the match if nothing is left. A candidate that cannot be embedded or scored fails alone (a
    `MatchFailure` with its reason, never charged); the match finishes with the others.
    `cautious`: embed those lacking vectors one at a time, counted (`candidates_embed`)."""
    match = Match.objects.select_related("organisation", "reservation").get(pk=match_id)
    if match.status not in Match.ACTIVE_STATUSES:
        return ScoreProgress(match.scored_count, match.failed_count, 0, match.is_finished)
    if match.status == Match.Status.QUEUED:
        Match.objects.filter(pk=match.pk, status=Match.Status.QUEUED).update(
            status=Match.Status.RUNNING,
            started_at=timezone.now(),
            updated_at=timezone.now(),
            model_version=embeddings.model_version(),
        )
    unreadable, waiting = _resolve_documents(match)
    # Duplicates of one file are one candidate: the count (and the charge) follows candidates.
    settled = set(match.results.values_list("candidate_id", flat=True))
    settled |= set(match.failures.values_list("candidate_id", flat=True))
    todo = match.candidates.exclude(pk__in=settled)
    if only is not None:
        todo = todo.filter(pk__in=list(only))
    elif waiting:
        # Uploads being embedded are scored by the tasks embedding them; the rest now.
        coming = match.documents.filter(
            candidate__isnull=False, status=Document.Status.PARSED
        ).values("candidate_id")
        todo = todo.exclude(pk__in=coming)
    batch = list(todo.order_by("pk"))
    if batch:
        _score_batch(match, batch, unreadable=unreadable, cautious=cautious)
    scored, failed = _match_counts(match, unreadable)
    if waiting or (
        only is not None and match.candidates.exclude(pk__in=_settled_ids(match)).exists()
    ):
        return ScoreProgress(scored, failed, waiting, False)
    _match_finish(match=match)
    return ScoreProgress(scored, failed, 0, True)


def crashed_scoring_message(times: int) -> str:
    return (
        f"Scoring this match stopped its worker {times} times in a row (it ran out of memory or "
        "was killed), so it was ended before this file was scored. No credit was charged for "
        "the files left unscored; run the match again later, and tell us if it keeps happening."
    )


def match_score_delivery(*, match_id: int) -> ScoreProgress:
    """`match_score` for one delivery of the match's own task, counted.

    The delivery is counted and committed before any work, and the count goes back to 0 when it
    ends or stores a batch. A worker killed mid-score (out of memory: acks_late hands the task
    out again) never gets there, so the count is the deliveries in a row that died without
    moving the match on. Past SCORE_MAX_ATTEMPTS the match ends instead of killing the next
    worker: what it scored stays, and the rest is failed with the reason and never charged."""
    died = 0
    with transaction.atomic():
        if Match.objects.filter(pk=match_id, status__in=list(Match.ACTIVE_STATUSES)).update(
            score_attempts=F("score_attempts") + 1, updated_at=timezone.now()
        ):
            died = Match.objects.values_list("score_attempts", flat=True).get(pk=match_id) - 1
    if died >= settings.SCORE_MAX_ATTEMPTS:
        logger.error("match %s stopped its worker %s times in a row; ending it", match_id, died)
        match_fail(match_id=match_id, message=crashed_scoring_message(died))
        match = Match.objects.get(pk=match_id)
        return ScoreProgress(match.scored_count, match.failed_count, 0, True)
    forget = Match.objects.filter(pk=match_id).exclude(score_attempts=0)
    try:
        # After a death, a text its worker could not embed fails alone rather than the match.
        progress = match_score(match_id=match_id, cautious=died > 0)
    except Exception:
        # An error of ours ends the delivery and the worker lives on: not a death. Anything
        # else (the process torn down) leaves the count, as a kill does.
        forget.update(score_attempts=0)
        raise
    forget.update(score_attempts=0)
    return progress


def _settled_ids(match: Match) -> set[int]:
    settled = set(match.results.values_list("candidate_id", flat=True))
    return settled | set(match.failures.values_list("candidate_id", flat=True))


def _match_counts(match: Match, unreadable: int) -> tuple[int, int]:
    """Stores and returns (scored, not scored); touching `updated_at` tells the sweep that the
    match is alive, and the deliveries that died before this one are forgiven: it moved on."""
    scored = match.results.count()
    failed = unreadable + match.failures.count()
    Match.objects.filter(pk=match.pk).update(
        failed_count=failed, scored_count=scored, updated_at=timezone.now(), score_attempts=0
    )
    return scored, failed


def _candidate_fail(match: Match, candidate: Candidate, stage: str, message: str) -> None:
    MatchFailure.objects.get_or_create(
        match=match, candidate=candidate, defaults={"stage": stage, "message": message}
    )


def _score_batch(
    match: Match, candidates: list[Candidate], *, unreadable: int = 0, cautious: bool = False
) -> None:
    role = _role_features(match)
    stats = pool_stats_for_org(match.organisation_id)
    finder = skill_matcher()
    ref = _role_reference(match, role, stats, finder)
    version = embeddings.model_version()
    for start in range(0, len(candidates), SCORE_BATCH):
        batch = candidates[start : start + SCORE_BATCH]
        broken: dict[int, str] = {}
        rows = candidates_embed(
            candidates=batch,
            failures=broken,
            cautious=cautious,
            # A death while one candidate is embedded alone is counted on that candidate: the
            # match keeps one death on record (its next delivery is careful too) rather than
            # ending after SCORE_MAX_ATTEMPTS while the candidate is still within its own.
            on_attempt=lambda: Match.objects.filter(pk=match.pk, score_attempts__gt=1).update(
                score_attempts=1
            ),
        )
        for candidate in batch:
            if candidate.pk not in rows:
                _candidate_fail(
                    match,
                    candidate,
                    MatchFailure.Stage.EMBED,
                    broken.get(candidate.pk, EMBED_FAILED),
                )
                continue
            try:
                row = rows[candidate.pk]
                result = _score_one(match, candidate, row, role, stats, finder, ref)
                _result_store(match, candidate, result, version, titles=list(row.titles))
            except NOT_THE_CANDIDATES:
                raise
            except Exception:
                logger.exception("scoring candidate %s in match %s failed", candidate.pk, match.pk)
                _candidate_fail(match, candidate, MatchFailure.Stage.SCORE, SCORE_FAILED)
        # Progress after every batch, so that the recruiter sees the first results early.
        _match_counts(match, unreadable)


def _score_one(
    match: Match,
    candidate: Candidate,
    row: CandidateEmbedding,
    role: ranking.RoleFeatures,
    stats: lexical.PoolStats,
    finder: Any,
    ref: Mapping[str, float],
) -> scoring.ScoreResult:
    overrides = match.weights or {}
    weights = {k: v for k, v in overrides.items() if k in scoring.WEIGHT_KEYS}
    text = candidate_scoring_text(candidate, blind=match.blind)
    terms = lexical.tokens(text)
    features = ranking.ResumeFeatures(
        text=text,
        vectors=embeddings.from_bytes(bytes(row.vectors), row.dimensions),
        mentions=ranking.mentions_from_hits(finder.find_claimed(text)),
        terms=Counter(terms),
        n_terms=len(terms),
        total_years=(
            float(candidate.years_experience)
            if candidate.years_experience is not None
            else ranking.years_of_experience(text)
        ),
        title_vectors=embeddings.from_bytes(bytes(row.title_vectors)),
        titles=list(row.titles),
    )
    result = ranking.score_one(role, features, stats, weights=weights, reference=ref)
    if overrides.get("skill_weights"):
        result = scoring.rescore(
            components=result.components,
            evidence=result.evidence_json(),
            weights=weights,
            skill_overrides=overrides["skill_weights"],
        )
    return result


def _result_store(
    match: Match,
    candidate: Candidate,
    result: scoring.ScoreResult,
    version: str,
    *,
    titles: list[str],
) -> None:
    with transaction.atomic():
        _, created = MatchResult.objects.get_or_create(
            match=match,
            candidate=candidate,
            defaults={
                "score": result.score,
                "tier": result.tier,
                "must_haves_met": result.must_haves_met,
                "components": result.components,
                "evidence": result.evidence_json(),
                "model_version": version,
                "role_version": match.role_version,
                "titles": titles,
                "weights": {
                    **result.weights,
                    "skill_weights": (match.weights or {}).get("skill_weights", {}),
                },
            },
        )
        if created and match.reservation is not None and match.price_cents:
            reservation_charge(
                reservation=match.reservation,
                cents=match.price_cents,
                idempotency_key=f"match:{match.pk}:cand:{candidate.pk}",
            )


def not_scored_message(count: int) -> str:
    if not count:
        return ""
    files = "file" if count == 1 else "files"
    return f"Completed with {count} {files} not scored (not charged): see each file's reason."


def _match_finish(*, match: Match) -> None:
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.is_finished:
            return
        if locked.reservation is not None:
            reservation_release(
                reservation=locked.reservation,
                idempotency_key=f"match:{locked.pk}:release",
            )
        locked.status = Match.Status.DONE
        locked.finished_at = timezone.now()
        locked.status_message = not_scored_message(locked.failed_count)
        locked.save(update_fields=["status", "finished_at", "status_message", "updated_at"])


def match_fail(*, match_id: int, message: str) -> None:
    """Ends a match that cannot go on; what was reserved and not spent goes back.

    When some candidates were scored the match still completes with them: those left over fail
    with `message` as their reason, so that one broken step never voids the others' results."""
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match_id)
        if locked.is_finished:
            return
        # Uploads still unread will not join any more: they fail with their own reason.
        for document in locked.documents.filter(
            candidate__isnull=True, status__in=list(Document.PARSABLE_STATUSES)
        ):
            document_fail(document=document, code="stuck", message=STUCK_READING)
        if locked.results.exists():
            settled = set(locked.results.values_list("candidate_id", flat=True))
            settled |= set(locked.failures.values_list("candidate_id", flat=True))
            for candidate in locked.candidates.exclude(pk__in=settled):
                _candidate_fail(locked, candidate, MatchFailure.Stage.SCORE, message)
            unreadable = locked.documents.filter(candidate__isnull=True).count()
            locked.scored_count = locked.results.count()
            locked.failed_count = unreadable + locked.failures.count()
            locked.status = Match.Status.DONE
            locked.status_message = not_scored_message(locked.failed_count)
        else:
            locked.status = Match.Status.FAILED
            locked.status_message = message
        if locked.reservation is not None:
            reservation_release(
                reservation=locked.reservation,
                idempotency_key=f"match:{locked.pk}:release",
            )
        locked.finished_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "status_message",
                "scored_count",
                "failed_count",
                "finished_at",
                "updated_at",
            ]
        )


# --- The sweep: nothing stays half-way -----------------------------------------------------

STUCK_READING = (
    "Reading this file did not finish: it waited too long or its reader stopped. It was not "
    "charged; upload it again, and tell us if it keeps happening."
)
NEVER_READ = (
    "This file was never read: it waited in the queue far longer than reading takes. It was "
    "not charged; upload it again, and tell us if it keeps happening."
)
STUCK_SCORING = (
    "Scoring stopped making progress before this file was reached. It was not charged; run the "
    "match again."
)


# Behind a backlog an unread upload is queued again this many times less often than
# PIPELINE_STUCK_MINUTES: on a broker that is never empty a lost task is still recovered, at a
# fraction of the duplicates.
BACKLOG_PATIENCE = 4


@dataclass
class SweepReport:
    documents_failed: int = 0
    documents_requeued: int = 0
    # Never read, but left alone while the broker still holds messages for the readers.
    documents_behind_backlog: int = 0
    documents_embedded: int = 0
    matches_requeued: int = 0
    matches_ended: int = 0


def pipeline_sweep(*, now: Any = None) -> SweepReport:
    """Settles what a lost task or a dead worker left half-way, past PIPELINE_STUCK_MINUTES.

    Uploads whose reading stopped fail with a reason. Uploads never read are left alone while
    the broker's queue still holds messages (they are most likely behind them) and queued
    again once it is empty or cannot be read, or after BACKLOG_PATIENCE times as long (their
    task was lost; a second task would find them settled); past PIPELINE_GIVE_UP_HOURS they
    fail. Parsed files never embedded are
    embedded here (or fail alone); a queued match whose task vanished is queued again; a
    running match that stopped moving ends with what it scored, the rest failed with a reason
    and never charged.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.PIPELINE_STUCK_MINUTES)
    give_up = now - timedelta(hours=settings.PIPELINE_GIVE_UP_HOURS)
    report = SweepReport()
    stale = Document.objects.filter(updated_at__lt=cutoff)
    held = {pk for args in message_args_pending("matcher.documents_ingest") for pk in args[0]}
    # Messages still waiting in the broker: the unread files are most likely behind them, and
    # queueing them again would only add a duplicate at the end of the line every sweep. A
    # file whose task was lost is queued again once the line is empty, or after
    # BACKLOG_PATIENCE times as long if it never is. Asked once, and only when a file needs it:
    # during an outage the question costs a failed connection.
    backlog = functools.cache(lambda: broker_backlog("matcher.documents_ingest"))
    patient = now - BACKLOG_PATIENCE * timedelta(minutes=settings.PIPELINE_STUCK_MINUTES)
    unread: dict[int, list[int]] = {}
    for document in stale.filter(status__in=list(Document.PARSABLE_STATUSES)).iterator():
        if document.pk in held or message_pending("matcher.document_parse", document.pk):
            continue  # an outage held its reading back; the outbox sends it, not stuck
        if document.status == Document.Status.READING:
            document_fail(document=document, code="stuck", message=STUCK_READING)
            report.documents_failed += 1
        elif document.created_at < give_up:
            document_fail(document=document, code="stuck", message=NEVER_READ)
            report.documents_failed += 1
        elif document.updated_at >= patient and backlog():
            report.documents_behind_backlog += 1
        else:
            unread.setdefault(document.organisation_id, []).append(document.pk)
    for ids in unread.values():
        report.documents_requeued += len(ids)
        with transaction.atomic():
            # Touched, so the next sweep waits another PIPELINE_STUCK_MINUTES for them.
            Document.objects.filter(pk__in=ids).update(updated_at=now)
            for start in range(0, len(ids), settings.INTAKE_CHUNK_FILES):
                task_enqueue(
                    "matcher.documents_ingest", ids[start : start + settings.INTAKE_CHUNK_FILES]
                )
    parsed = list(
        Candidate.objects.filter(
            documents__in=stale.filter(status=Document.Status.PARSED)
        ).distinct()
    )
    if parsed:
        broken: dict[int, str] = {}
        report.documents_embedded = len(candidates_embed(candidates=parsed, failures=broken))
        report.documents_failed += len(broken)
    active = Match.objects.filter(updated_at__lt=cutoff, status__in=list(Match.ACTIVE_STATUSES))
    for match in active.filter(status=Match.Status.QUEUED):
        if message_pending("matcher.match_score", match.pk):
            continue  # waiting in the outbox for the broker, not lost
        # Never started: its task was lost on the way. Scoring is safe to run twice.
        with transaction.atomic():
            Match.objects.filter(pk=match.pk).update(updated_at=now)
            task_enqueue("matcher.match_score", match.pk)
        report.matches_requeued += 1
    for match in active.filter(status=Match.Status.RUNNING):
        match_fail(match_id=match.pk, message=STUCK_SCORING)
        report.matches_ended += 1
    return report


# --- Re-weighting -----------------------------------------------------------------------------


def match_reweight(*, match: Match, weights: Mapping[str, Any] | None) -> int:
    """Re-ranks every result with new weights from the stored evidence. Free, no embedding.

    `weights`: component weights ("semantic", "skills", "lexical", "title"), the "level" step
    and "skill_weights": {skill id: {"weight", "must_have", "min_years"}}; None or {} goes back
    to the role's own profile."""
    skill_ids = [s["skill_id"] for s in match.role_snapshot.get("skills", [])]
    clean = _check_weights(weights, skill_ids)
    components = {k: v for k, v in clean.items() if k in scoring.WEIGHT_KEYS}
    skills = clean.get("skill_weights", {})
    base = {str(s["skill_id"]): s for s in match.role_snapshot.get("skills", [])}
    # Overrides apply to the role's profile, not on top of the previous re-weighting.
    effective = {
        sid: {k: change.get(k, base[sid].get(k)) for k in ("weight", "must_have", "min_years")}
        for sid, change in ((sid, skills.get(sid, {})) for sid in base)
    }
    results = list(match.results.all())
    for r in results:
        rescored = scoring.rescore(
            components=r.components,
            evidence=r.evidence,
            weights=components,
            skill_overrides=effective,
        )
        r.score = rescored.score
        r.tier = rescored.tier
        r.must_haves_met = rescored.must_haves_met
        r.evidence = rescored.evidence_json()
        # A skill's new weight changes the skills component itself: the points shown are read
        # from the stored components, and must add up to the new score.
        r.components = rescored.components
        r.weights = {**rescored.weights, "skill_weights": skills}
    with transaction.atomic():
        MatchResult.objects.bulk_update(
            results,
            ["score", "tier", "must_haves_met", "evidence", "components", "weights"],
            batch_size=500,
        )
        Match.objects.filter(pk=match.pk).update(weights=clean)
    match.weights = clean
    return len(results)
