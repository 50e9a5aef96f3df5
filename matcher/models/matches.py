"""The engine: candidates' embeddings, matches against a role, their results and decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Organisation

__all__ = ["CandidateEmbedding", "Decision", "Match", "MatchFailure", "MatchResult"]


class CandidateEmbedding(models.Model):
    """A candidate's text as chunk vectors of one model version (float32, little-endian)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="candidate_embeddings"
    )
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="embeddings"
    )
    model_name = models.CharField(max_length=100)
    # Another version (new weights, another model) means these vectors are not comparable with
    # the role's: the candidate is embedded again the next time it is needed.
    model_version = models.CharField(max_length=100)
    # The text the vectors were made from; a corrected or re-parsed text is embedded again.
    text_sha256 = models.CharField(max_length=64)
    dimensions = models.PositiveSmallIntegerField()
    chunk_count = models.PositiveIntegerField()
    token_count = models.PositiveIntegerField(default=0)
    vectors = models.BinaryField()
    # [char_start, char_end] of each chunk in the text, to show the passage that matched.
    spans = models.JSONField(default=list)
    # The job titles read from the resume and their vectors (one row each), for the title score.
    titles = models.JSONField(default=list)
    title_vectors = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "model_version"], name="embedding_one_per_model_version"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "model_version"], name="embedding_org_model"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} @ {self.model_version} ({self.chunk_count} chunks)"


class Match(models.Model):
    """One run of a role against chosen candidates; its cost is reserved before it starts."""

    class Status(models.TextChoices):
        WAITING_FOR_CREDIT = "waiting_for_credit", "Waiting for credit"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE_STATUSES = frozenset({Status.QUEUED, Status.RUNNING})

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="matches")
    # RESTRICT, not PROTECT: a role its matches used cannot be deleted alone, yet an
    # organisation's deletion (its roles and matches together) must not be refused.
    role = models.ForeignKey("roles.Role", on_delete=models.RESTRICT, related_name="matches")
    role_version = models.PositiveIntegerField()
    role_title = models.CharField(max_length=200)
    # The skill profile and text scored against, frozen at creation: editing the role later
    # never changes this match (re-scoring after a role change is a new match).
    role_snapshot = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    status_message = models.TextField(blank=True)
    blind = models.BooleanField(default=False)
    # The recruiter's re-weighting: component weights and per-skill overrides (see scoring.py).
    weights = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
    )
    candidates = models.ManyToManyField("candidates.Candidate", blank=True, related_name="matches")
    # Uploads chosen while still being read; each joins `candidates` once it is parsed.
    documents = models.ManyToManyField("candidates.Document", blank=True, related_name="matches")
    # RESTRICT, not PROTECT: a reservation cannot vanish under a live match, yet deleting the
    # whole organisation (which takes both through cascades) must still work.
    reservation = models.ForeignKey(
        "billing.Reservation",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="matches",
    )
    price_cents = models.PositiveIntegerField(help_text="Price per candidate when created")
    candidate_count = models.PositiveIntegerField(default=0)
    scored_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    model_version = models.CharField(max_length=100, blank=True)
    scoring_version = models.PositiveSmallIntegerField(default=1)
    # Deliveries of the match's scoring task that began and have not ended since it last moved
    # on: one whose worker is killed (out of memory) is handed out again and never ends, so
    # this is how a match that kills every worker it reaches is stopped (SCORE_MAX_ATTEMPTS).
    score_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "matches"
        indexes = [models.Index(fields=["organisation", "-created_at"], name="match_org_recent")]

    def __str__(self) -> str:
        return f"Match #{self.pk}: {self.role_title}"

    @property
    def cost_cents(self) -> int:
        return self.price_cents * self.candidate_count

    # The money is billing's: the reservation holds what was reserved and charged for the match.
    @property
    def reserved_cents(self) -> int:
        return self.reservation.reserved_cents if self.reservation else 0

    @property
    def charged_cents(self) -> int:
        return self.reservation.charged_cents if self.reservation else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.candidate_count:
            return 0
        return min(99, round(100 * (self.scored_count + self.failed_count) / self.candidate_count))


class MatchResult(models.Model):
    """One candidate's score in a match, with everything needed to reproduce and explain it."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="results")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="match_results"
    )
    score = models.FloatField()
    tier = models.CharField(max_length=10)
    must_haves_met = models.BooleanField(default=True)
    components = models.JSONField(default=dict)
    evidence = models.JSONField(default=list)
    model_version = models.CharField(max_length=100)
    role_version = models.PositiveIntegerField()
    weights = models.JSONField(default=dict)
    # The job titles the title component compared, kept with the score: the candidate's
    # embedding row can be stored again later (a resume read again, or the same reading written
    # twice by two workers), so it cannot tell which titles this score read. None for results
    # scored before they were kept.
    titles = models.JSONField(null=True, blank=True, default=None)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            # A worker killed after scoring redoes the match: this makes the redo harmless.
            models.UniqueConstraint(fields=["match", "candidate"], name="result_once_per_match"),
        ]
        indexes = [models.Index(fields=["match", "-score"], name="result_match_score")]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.score:.0f} ({self.tier})"

    @property
    def found_skills(self) -> list[dict[str, object]]:
        return [e for e in self.evidence if e.get("status") == "found"]

    @property
    def missing_skills(self) -> list[dict[str, object]]:
        return [e for e in self.evidence if e.get("status") != "found"]


class MatchFailure(models.Model):
    """A candidate of a match that could not be scored, and why, in words for the recruiter.

    Never charged: a candidate is charged only when its result is stored. Uploads that could
    not be read keep their reason on the document instead."""

    class Stage(models.TextChoices):
        EMBED = "embed", "Preparing"
        SCORE = "score", "Scoring"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="failures")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="match_failures"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["match", "candidate"], name="failure_once_per_match"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} not scored in match {self.match_id} ({self.stage})"


class Decision(models.Model):
    """The recruiter's call on a candidate in a match; every change is kept in `history`."""

    class Kind(models.TextChoices):
        SHORTLIST = "shortlist", "Shortlist"
        HOLD = "hold", "Hold"
        REJECT = "reject", "Reject"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="decisions"
    )
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="decisions")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    decided_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    # Set before save(): django-simple-history records it as the change's author.
    _history_user: Any

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["match", "candidate"], name="decision_once_per_match"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.candidate_id} in match {self.match_id}"
