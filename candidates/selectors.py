"""Reads for intake, always scoped by organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts.models import Organisation
from candidates.models import Candidate, Document, UploadBatch

_S = Document.Status
_WORKING = [_S.UPLOADED, _S.READING, _S.PARSED]


def batch_list(*, org: Organisation) -> QuerySet[UploadBatch]:
    """The organisation's uploads, newest first, each with its documents counted by stage."""
    return (
        UploadBatch.objects.filter(organisation=org)
        .select_related("created_by")
        .annotate(
            n_documents=Count("documents"),
            n_ready=Count("documents", filter=Q(documents__status=_S.EMBEDDED)),
            n_working=Count("documents", filter=Q(documents__status__in=_WORKING)),
            n_duplicate=Count("documents", filter=Q(documents__status=_S.DUPLICATE)),
            n_failed=Count("documents", filter=Q(documents__status=_S.FAILED)),
        )
        .order_by("-created_at", "-pk")
    )


def batch_list_recent(*, org: Organisation, limit: int = 5) -> list[UploadBatch]:
    return list(batch_list(org=org)[:limit])


def batch_documents(*, batch: UploadBatch) -> QuerySet[Document]:
    return (
        Document.objects.filter(batch=batch, organisation_id=batch.organisation_id)
        .select_related("candidate")
        .order_by("pk")
    )


@dataclass(frozen=True)
class BatchProgress:
    total: int
    uploaded: int
    reading: int
    parsed: int
    embedded: int
    failed: int
    duplicate: int

    @property
    def finished(self) -> int:
        return self.embedded + self.failed + self.duplicate

    @property
    def done(self) -> bool:
        return self.finished >= self.total

    @property
    def percent(self) -> int:
        """Weighted by stage, so the bar moves while files are read, not only at the end."""
        if not self.total:
            return 100
        weighted = (
            self.uploaded * 0.15 + self.reading * 0.4 + self.parsed * 0.75 + self.finished * 1.0
        )
        return min(100, round(100 * weighted / self.total))


def batch_progress(*, batch: UploadBatch) -> BatchProgress:
    counts = dict(
        Document.objects.filter(batch=batch, organisation_id=batch.organisation_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return BatchProgress(
        total=sum(counts.values()),
        uploaded=counts.get(_S.UPLOADED, 0),
        reading=counts.get(_S.READING, 0),
        parsed=counts.get(_S.PARSED, 0),
        embedded=counts.get(_S.EMBEDDED, 0),
        failed=counts.get(_S.FAILED, 0),
        duplicate=counts.get(_S.DUPLICATE, 0),
    )


def document_list(*, org: Organisation) -> QuerySet[Document]:
    return Document.objects.filter(organisation=org)


def candidate_list(*, org: Organisation, query: str = "") -> QuerySet[Candidate]:
    """The organisation's pool, newest first; `query` matches name, file name, email, titles or
    skills."""
    qs = Candidate.objects.filter(organisation=org)
    for word in query.split()[:8]:
        qs = qs.filter(
            Q(search_text__icontains=word.lower())
            | Q(name__icontains=word)
            | Q(file_name__icontains=word)
            | Q(email__icontains=word)
        )
    return qs.order_by("-created_at", "-pk")


def candidate_get(*, org: Organisation, pk: int) -> Candidate | None:
    return Candidate.objects.filter(organisation=org, pk=pk).first()


def candidate_source_document(*, candidate: Candidate) -> Document | None:
    """The document the candidate was read from (its file is the one to download)."""
    if candidate.source_document_id:
        return Document.objects.filter(
            pk=candidate.source_document_id, organisation_id=candidate.organisation_id
        ).first()
    return (
        Document.objects.filter(candidate=candidate, organisation_id=candidate.organisation_id)
        .exclude(file="")
        .order_by("pk")
        .first()
    )
