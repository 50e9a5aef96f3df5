"""Intake: upload batches, the documents in them, and the candidates they become."""

from __future__ import annotations

import posixpath
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import Organisation

__all__ = [
    "MEMBER_SEPARATOR",
    "Candidate",
    "CandidateCounter",
    "Document",
    "UploadBatch",
    "document_upload_to",
]

# Between a ZIP's name and a member's path in a document's name: "cvs.zip \u203a ada/cv.pdf".
MEMBER_SEPARATOR = " \u203a "


def document_upload_to(instance: Document, filename: str) -> str:
    """An organisation-scoped, unguessable path; the recruiter's file name is kept on the row.

    Only the extension of the original name survives, so a hostile name (`../../x`, a very
    long name, odd characters) never reaches the storage backend.
    """
    ext = posixpath.splitext(filename)[1].lower()
    if not ext[1:].isalnum() or len(ext) > 10:
        ext = ""
    today = timezone.now()
    return f"candidates/org-{instance.organisation_id}/{today:%Y/%m}/{uuid.uuid4().hex}{ext}"


class UploadBatch(models.Model):
    """One upload: the files (and ZIP members) a recruiter dropped in at once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="upload_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="upload_batches",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Counted once at upload; the per-stage counts are read live from the documents.
    file_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    total_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="batch_org_recent")]
        verbose_name_plural = "upload batches"

    def __str__(self) -> str:
        return f"Upload #{self.pk} ({self.file_count} files)"


class Document(models.Model):
    """One file as received. It becomes a candidate, a duplicate of one, or fails with a reason."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        READING = "reading", "Reading"
        PARSED = "parsed", "Parsed"
        EMBEDDED = "embedded", "Ready"
        FAILED = "failed", "Failed"
        DUPLICATE = "duplicate", "Duplicate"

    # Stages after which nothing more happens to the document.
    FINAL_STATUSES = frozenset({Status.EMBEDDED, Status.FAILED, Status.DUPLICATE})
    # Stages from which the parse task may (re)start.
    PARSABLE_STATUSES = frozenset({Status.UPLOADED, Status.READING})

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents"
    )
    batch = models.ForeignKey(
        UploadBatch, on_delete=models.CASCADE, related_name="documents", null=True, blank=True
    )
    # Deleting a candidate deletes every document that became or duplicated it.
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to=document_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    detected_kind = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ocr_used = models.BooleanField(default=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["organisation", "sha256"], name="document_org_sha"),
            models.Index(fields=["organisation", "status"], name="document_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def file_name(self) -> str:
        """The file's own name: for a ZIP member, the member's without its folders."""
        last = self.original_name.rsplit(MEMBER_SEPARATOR, 1)[-1].replace("\\", "/")
        return posixpath.basename(last) or "resume"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def progress_percent(self) -> int:
        """How far along the pipeline the document is, for the per-file bar."""
        return {
            self.Status.UPLOADED: 15,
            self.Status.READING: 40,
            self.Status.PARSED: 75,
        }.get(self.Status(self.status), 100)


class Candidate(models.Model):
    """A person, as read from a resume. Fields the recruiter corrected win over the parser."""

    # The fields a recruiter may correct, each also filled from the parsed profile.
    CORRECTABLE_FIELDS = (
        "name",
        "email",
        "phone",
        "location",
        "headline",
        "years_experience",
        "links",
        "skills",
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="candidates"
    )
    # What recruiters see as "No. 12": counted per organisation from 1, so it neither collides
    # across tenants nor tells anyone how many candidates the platform holds (database ids do).
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The file the candidate came from ("cv-final.pdf"), shown when the resume gives no name.
    file_name = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=60, blank=True)
    links = models.JSONField(default=list, blank=True)
    location = models.CharField(max_length=200, blank=True)
    headline = models.CharField(max_length=200, blank=True)
    years_experience = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    # Canonical taxonomy skill names, for listing and search; the evidence lines are in profile.
    skills = models.JSONField(default=list, blank=True)
    profile = models.JSONField(default=dict, blank=True)
    corrections = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    # Lower-cased name, headline, titles and skills: one column to search.
    search_text = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64)
    source_document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Embeddings of this text begun alone after a worker died embedding it, not yet stored:
    # past PARSE_MAX_ATTEMPTS the candidate fails alone instead of killing the next worker.
    embed_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sha256"], name="candidate_unique_file_per_org"
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"], name="candidate_unique_number_per_org"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="candidate_org_recent"),
            models.Index(fields=["organisation", "name"], name="candidate_org_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.number is None and self.organisation_id is not None:
            self.number = candidate_number_next(organisation_id=self.organisation_id)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The person's name when the resume (or a recruiter) gives one, else the file's."""
        return self.name or self.file_name or f"Candidate {self.number or ''}".strip()

    def field_confidence(self, field: str) -> float | None:
        """The parser's confidence in a field; a recruiter's correction is certain."""
        if field in self.corrections:
            return 1.0
        profile = self.profile or {}
        entry: Any = profile.get(field)
        if field == "headline":
            # The checked title; profiles read before it existed carry only positions.
            entry = profile.get("title") or (profile.get("positions") or [None])[0]
        if isinstance(entry, dict) and entry.get("confidence") is not None:
            return float(entry["confidence"])
        if isinstance(entry, list):
            # A list field is as sure as its items are on average.
            values = [
                float(e["confidence"])
                for e in entry
                if isinstance(e, dict) and e.get("confidence") is not None
            ]
            return round(sum(values) / len(values), 2) if values else None
        return None

    @property
    def present_as_of(self) -> date | None:
        """The day the file was saved, when its "Present" was counted to then, not to the
        day it was read."""
        try:
            return date.fromisoformat(str((self.profile or {}).get("present_as_of") or ""))
        except ValueError:
            return None

    @property
    def years_display(self) -> str:
        if self.years_experience is None:
            return ""
        value = Decimal(self.years_experience).normalize()
        return f"{value:f}"


class CandidateCounter(models.Model):
    """The last candidate number given in one organisation. Its row is locked by the update that
    takes the next number, so parallel intakes never hand out the same one."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.last_number}"


def candidate_number_next(*, organisation_id: int) -> int:
    """The organisation's next candidate number. The UPDATE holds the counter's row lock until
    the caller's transaction ends, so a concurrent caller waits and then reads the new value."""
    with transaction.atomic():
        counters = CandidateCounter.objects.filter(organisation_id=organisation_id)
        if not counters.update(last_number=F("last_number") + 1):
            # The organisation's first candidate (or one from before numbering): start after
            # any number already given.
            start = (
                Candidate.objects.filter(organisation_id=organisation_id).aggregate(
                    top=Max("number")
                )["top"]
                or 0
            )
            try:
                with transaction.atomic():
                    CandidateCounter.objects.create(
                        organisation_id=organisation_id, last_number=start + 1
                    )
            except IntegrityError:
                # Another intake created the counter a moment ago: take the next one from it.
                counters.update(last_number=F("last_number") + 1)
        return counters.values_list("last_number", flat=True).get()
