"""Intake writes: an upload becomes documents; a document becomes a candidate or a reason.

Nothing here spends credits: reading and embedding a resume is free, only scoring is charged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import posixpath
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from candidates.models import MEMBER_SEPARATOR, Candidate, Document, UploadBatch
from candidates.parsing.archive import iter_zip_members
from candidates.parsing.document import Limits, written_date
from candidates.parsing.errors import ParseError
from candidates.parsing.profile import SkillFinder, extract_profile
from candidates.parsing.sandbox import extract_sandboxed
from outbox.services import task_enqueue, task_enqueue_many
from roles.selectors import skill_matcher

logger = logging.getLogger(__name__)

_S = Document.Status
MB = 1024 * 1024

CRASHED_REPEATEDLY = (
    "This file stopped the reader repeatedly, so it was set aside instead of being tried again. "
    "It may be damaged or deliberately malformed: export it again (for example 'Save as PDF') "
    "and upload the new copy."
)
INTERNAL_ERROR = (
    "Something went wrong on our side while reading this file. It was not charged; upload it "
    "again later, and tell us if it keeps happening."
)


def _megabytes(n: int) -> str:
    if n < MB:
        return f"{max(1, round(n / 1024))} KB"
    value = n / MB
    return f"{value:.1f} MB" if value < 10 else f"{value:.0f} MB"


def intake_limits() -> Limits:
    return Limits(
        max_file_bytes=settings.UPLOAD_MAX_FILE_BYTES,
        max_files=settings.UPLOAD_MAX_BATCH_FILES,
        max_batch_bytes=settings.UPLOAD_MAX_BATCH_BYTES,
        max_text_chars=settings.UPLOAD_MAX_TEXT_CHARS,
    )


def clean_file_name(name: str) -> str:
    """The name a recruiter sees: the last path segment, printable, at most 255 characters."""
    base = posixpath.basename(str(name).replace("\\", "/")).strip()
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    if len(base) > 255:
        stem, ext = posixpath.splitext(base)
        base = stem[: 255 - len(ext)] + ext
    return base or "unnamed file"


# --- Upload -----------------------------------------------------------------------------------


# An upload is written a slice at a time: one look-up of the slice's hashes and one INSERT for
# its rows, however many files it holds (there were two look-ups and an INSERT a file). The
# slice's bytes wait in memory until it is written, as a file is stored only once it is known
# not to be a duplicate, hence the byte bound. 200 files: a full batch at the default limit.
SLICE_FILES = 200
SLICE_BYTES = 32 * MB


@dataclass
class _Intake:
    """What one upload has used so far, against its limits, and the slice not yet written."""

    org: Organisation
    batch: UploadBatch
    limits: Limits
    files: int = 0
    size_total: int = 0
    rejected: int = 0
    seen: set[str] = field(default_factory=set)
    to_parse: list[int] = field(default_factory=list)
    # Storage names written so far: the files are not part of the transaction, so an upload
    # that fails halfway removes them itself.
    stored: list[str] = field(default_factory=list)
    # In upload order, so that the documents' ids keep it; the bytes are None for a refusal.
    pending: list[tuple[Document, bytes | None]] = field(default_factory=list)
    pending_bytes: int = 0

    def discard_stored(self) -> None:
        _erase_files(self.stored)

    def reject(self, name: str, size: int, code: str, message: str, sha256: str = "") -> Document:
        self.files += 1
        self.rejected += 1
        document = Document(
            organisation=self.org,
            batch=self.batch,
            original_name=_label(name),
            size=size,
            sha256=sha256,
            status=_S.FAILED,
            error_code=code,
            error_message=message,
        )
        self._hold(document, None)
        return document

    def over_count(self, name: str, size: int) -> Document | None:
        if self.files >= self.limits.max_files:
            return self.reject(
                name,
                size,
                "batch_full",
                f"One upload may hold at most {self.limits.max_files} files and this one was "
                "already full. Upload this file in a new batch.",
            )
        return None

    def add(self, name: str, data: bytes) -> Document:
        size = len(data)
        if rejected := self.over_count(name, size):
            return rejected
        if size > self.limits.max_file_bytes:
            return self.reject(
                name,
                size,
                "too_large",
                f"This file is {_megabytes(size)}; a resume may be at most "
                f"{_megabytes(self.limits.max_file_bytes)}.",
            )
        if self.size_total + size > self.limits.max_batch_bytes:
            return self.reject(
                name,
                size,
                "batch_too_large",
                f"This upload went past {_megabytes(self.limits.max_batch_bytes)} in all, so this "
                "file was left out. Upload it in a new batch.",
            )
        if size == 0:
            return self.reject(name, 0, "empty", "This file is empty: it holds no bytes at all.")
        self.files += 1
        self.size_total += size
        document = Document(
            organisation=self.org,
            batch=self.batch,
            original_name=_label(name),
            size=size,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        self._hold(document, data)
        return document

    def _hold(self, document: Document, data: bytes | None) -> None:
        self.pending.append((document, data))
        self.pending_bytes += len(data or b"")
        if len(self.pending) >= SLICE_FILES or self.pending_bytes >= SLICE_BYTES:
            self.flush()

    def flush(self) -> None:
        """Writes the slice: duplicates marked, the other files stored, every row inserted."""
        if not self.pending:
            return
        hashes = {document.sha256 for document, data in self.pending if data is not None}
        candidates: dict[str, int] = {}
        waiting: set[str] = set()
        if hashes:
            candidates = dict(
                Candidate.objects.filter(organisation=self.org, sha256__in=hashes).values_list(
                    "sha256", "pk"
                )
            )
            waiting = set(
                Document.objects.filter(
                    organisation=self.org,
                    sha256__in=hashes - candidates.keys() - self.seen,
                    status__in=list(Document.PARSABLE_STATUSES),
                ).values_list("sha256", flat=True)
            )
        to_parse: list[Document] = []
        for document, data in self.pending:
            if data is None:
                continue
            sha = document.sha256
            if sha in candidates or sha in waiting or sha in self.seen:
                # The same bytes are already a candidate, or on their way to becoming one: keep
                # one. A pending twin gets its candidate linked when the original is parsed.
                document.status = _S.DUPLICATE
                document.candidate_id = candidates.get(sha)
                continue
            document.file.save(document.file_name, ContentFile(data), save=False)
            self.stored.append(str(document.file.name))
            self.seen.add(sha)
            to_parse.append(document)
        _documents_insert([document for document, _ in self.pending])
        self.to_parse.extend(document.pk for document in to_parse)
        self.pending = []
        self.pending_bytes = 0


def _documents_insert(documents: list[Document]) -> None:
    if connections[router.db_for_write(Document)].features.can_return_rows_from_bulk_insert:
        Document.objects.bulk_create(documents)
        return
    # Without RETURNING (SQLite before 3.35) bulk_create leaves the ids unset, and the chunks
    # queued for reading are lists of ids.
    for document in documents:
        document.save(force_insert=True)


def _is_zip(name: str) -> bool:
    return name.lower().endswith(".zip")


def _read_upload(upload: UploadedFile) -> bytes:
    upload.seek(0)
    return upload.read()


@transaction.atomic
def batch_create(
    *, org: Organisation, user: User | None, files: Iterable[UploadedFile]
) -> UploadBatch:
    """Stores the files (ZIPs opened into their members) and queues them to be read, in chunks.

    Returns at once. A file that breaks a rule becomes a failed document with its reason; it
    never fails the upload.
    """
    limits = intake_limits()
    intake: _Intake | None = None
    try:
        with transaction.atomic():
            batch = UploadBatch.objects.create(organisation=org, created_by=user)
            intake = _Intake(org=org, batch=batch, limits=limits)
            _intake_files(intake, files)
            # With the documents: a file is never stored without the task that will read it.
            _queue_chunks(intake.to_parse)
    except BaseException:
        # The rows are rolled back; the files written meanwhile would be left without one.
        if intake is not None:
            intake.discard_stored()
        raise
    return batch


def _queue_chunks(document_ids: list[int]) -> None:
    """Chunks, not a task a file: each chunk is read, embedded in one pass through the model and
    scored by one task, and several chunks keep every worker process busy."""
    chunks: list[tuple[list[int]]] = []
    start = 0
    for size in chunk_sizes(len(document_ids), largest=settings.INTAKE_CHUNK_FILES):
        chunks.append((document_ids[start : start + size],))
        start += size
    task_enqueue_many("matcher.documents_ingest", chunks)


def chunk_sizes(total: int, *, largest: int) -> list[int]:
    """How many uploads each chunk takes, `total` in all. The first chunks are small so that
    the first results show within seconds; the last ones are small again because a batch is done
    only when its last chunk is, and one worker process reading a full last chunk while the
    others sit idle cost a 35-file batch about a tenth of its time."""
    head: list[int] = []
    tail: list[int] = []
    remaining = total
    size = max(1, largest // 4)
    while size < largest and remaining > 0:
        for side in (head, tail):
            take = min(size, remaining)
            if take:
                side.append(take)
                remaining -= take
        size *= 2
    parts = -(-remaining // largest) if largest > 0 else 0
    middle = [remaining // parts + (1 if i < remaining % parts else 0) for i in range(parts)]
    return head + middle + tail[::-1]


def _intake_files(intake: _Intake, files: Iterable[UploadedFile]) -> None:
    limits, batch = intake.limits, intake.batch
    for upload in files:
        name = str(upload.name or "")
        size = int(upload.size or 0)
        if not _is_zip(name):
            if size > limits.max_file_bytes:
                # Refused before reading: a huge file is never loaded into memory.
                intake.over_count(name, size) or intake.reject(
                    name,
                    size,
                    "too_large",
                    f"This file is {_megabytes(size)}; a resume may be at most "
                    f"{_megabytes(limits.max_file_bytes)}.",
                )
                continue
            intake.add(name, _read_upload(upload))
            continue
        if size > limits.max_batch_bytes:
            intake.reject(
                name,
                size,
                "too_large",
                f"This ZIP is {_megabytes(size)}; one upload may hold at most "
                f"{_megabytes(limits.max_batch_bytes)}.",
            )
            continue
        try:
            for item in iter_zip_members(_read_upload(upload), limits=limits):
                member_name = (
                    _label(clean_file_name(name)) + MEMBER_SEPARATOR + _label(str(item.name))
                )
                data = getattr(item, "data", None)
                if data is None:
                    intake.reject(member_name, int(getattr(item, "size", 0) or 0), *_why(item))
                else:
                    intake.add(member_name, data)
        except ParseError as exc:
            intake.reject(name, size, exc.code, exc.message)
    intake.flush()
    batch.file_count = intake.files
    batch.rejected_count = intake.rejected
    batch.total_bytes = intake.size_total
    batch.save(update_fields=["file_count", "rejected_count", "total_bytes"])


def _label(name: str) -> str:
    """A document's name as shown: printable, at most 255 characters. Unlike clean_file_name the
    path inside a ZIP is kept, so that a refused "../../x" reads as what it was."""
    label = "".join(ch for ch in str(name) if unicodedata.category(ch)[0] != "C").strip()
    return label[-255:] or "unnamed file"


def _why(rejection: Any) -> tuple[str, str]:
    code = str(getattr(rejection, "code", "") or "unsupported")
    message = getattr(rejection, "message", "") or ParseError(code).message
    return code, str(message)


# --- Parse ------------------------------------------------------------------------------------


def document_parse(*, document_id: int, embed: bool = True) -> Document | None:
    """Reads one stored document into a candidate. Safe to run twice: a settled document is left.

    `embed`: queue the candidate's embedding; False when the caller embeds a chunk itself.

    The attempt is counted and committed before reading, so a file that kills the worker
    (acks_late redelivers it) is counted too, and set aside after PARSE_MAX_ATTEMPTS.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status not in Document.PARSABLE_STATUSES:
            return document
        document.attempts += 1
        document.status = _S.READING
        document.save(update_fields=["attempts", "status", "updated_at"])
    if document.attempts > settings.PARSE_MAX_ATTEMPTS:
        return document_fail(
            document=document, code="crashed_repeatedly", message=CRASHED_REPEATEDLY
        )
    try:
        parsed = _read(document)
    except ParseError as exc:
        return document_fail(document=document, code=exc.code, message=exc.message)

    # The matcher's hits are frozen dataclasses; the parser's protocol spells its fields as plain
    # attributes, which mypy reads as writable. Same shape at run time.
    profile = extract_profile(
        parsed.text, cast("SkillFinder", skill_matcher()), written=written_date(parsed.written)
    )
    return _document_settle(
        document=document, parsed=parsed, profile=_as_dict(profile), embed=embed
    )


def _read(document: Document) -> Any:
    if not document.file:
        raise ParseError("corrupt", "The stored copy of this file is missing. Upload it again.")
    with document.file.open("rb") as fh:
        data = fh.read()
    return extract_sandboxed(
        data,
        document.file_name,
        limits=intake_limits(),
        timeout_s=settings.PARSE_TIME_LIMIT_S,
        memory_mb=settings.PARSE_MEMORY_MB,
        warm=settings.PARSE_WARM_READER,
    )


def _as_dict(profile: Any) -> dict[str, Any]:
    data = profile.to_dict() if hasattr(profile, "to_dict") else dataclasses.asdict(profile)
    # Through JSON once: dates and tuples become what the JSONField will give back.
    return _strip_nul(json.loads(json.dumps(data, default=str)))


def _strip_nul(value: Any) -> Any:
    # PostgreSQL refuses NUL in text; a hostile file may carry them.
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {k: _strip_nul(v) for k, v in value.items()}
    return value


def document_fail(*, document: Document, code: str, message: str) -> Document:
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            status=_S.FAILED, error_code=code[:40], error_message=message, updated_at=timezone.now()
        )
        # Twins that waited for this file share its fate and its reason.
        if document.sha256:
            Document.objects.filter(
                organisation_id=document.organisation_id,
                sha256=document.sha256,
                status=_S.DUPLICATE,
                candidate__isnull=True,
            ).update(status=_S.FAILED, error_code=code[:40], error_message=message)
    document.refresh_from_db()
    return document


def _document_settle(
    *, document: Document, parsed: Any, profile: dict[str, Any], embed: bool = True
) -> Document:
    text = str(parsed.text).replace("\x00", "")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != _S.READING:
            return document  # another delivery of the same task got here first
        document.detected_kind = str(getattr(parsed, "kind", ""))[:20]
        document.ocr_used = bool(getattr(parsed, "ocr_used", False))
        document.pages = getattr(parsed, "pages", None)
        document.warnings = _strip_nul(list(getattr(parsed, "warnings", []) or []))
        document.parsed_at = timezone.now()
        candidate = Candidate.objects.filter(
            organisation_id=document.organisation_id, sha256=document.sha256
        ).first()
        if candidate is None:
            try:
                with transaction.atomic():
                    candidate = Candidate(
                        organisation_id=document.organisation_id,
                        sha256=document.sha256,
                        source_document=document,
                        file_name=document.file_name[:255],
                        text=text,
                    )
                    candidate_apply_profile(candidate=candidate, profile=profile)
                    candidate.save()
            except IntegrityError:
                # The same file in a parallel upload became a candidate a moment ago.
                candidate = Candidate.objects.get(
                    organisation_id=document.organisation_id, sha256=document.sha256
                )
                document.status = _S.DUPLICATE
            else:
                document.status = _S.PARSED
        else:
            document.status = _S.DUPLICATE
        document.candidate = candidate
        document.save()
        Document.objects.filter(
            organisation_id=document.organisation_id,
            sha256=document.sha256,
            status=_S.DUPLICATE,
            candidate__isnull=True,
        ).update(candidate=candidate)
        if document.status == _S.PARSED and embed:
            task_enqueue("matcher.candidate_embed", candidate.pk)
    return document


# --- Profile and corrections ------------------------------------------------------------------


def _value(profile: dict[str, Any], key: str) -> Any:
    entry = profile.get(key)
    if isinstance(entry, dict) and "value" in entry:
        return entry["value"]
    return entry


def _profile_fields(profile: dict[str, Any]) -> dict[str, Any]:
    """The candidate's columns as the parser read them."""
    links = _value(profile, "links") or []
    if isinstance(links, dict):
        links = list(links.values())
    links = [str(_value(link, "url") if isinstance(link, dict) else link) for link in links]
    skills = []
    for skill in _value(profile, "skills") or []:
        name = skill.get("name") if isinstance(skill, dict) else skill
        if name and name not in skills:
            skills.append(str(name))
    # The parser's checked job title; profiles stored before it existed fall back to the first
    # position's raw title.
    headline = str(_value(profile, "title") or "")
    positions = _value(profile, "positions") or []
    if not headline and positions and "title" not in profile:
        first = positions[0]
        headline = str(first.get("title", "") if isinstance(first, dict) else first)
    years = _value(profile, "years_experience")
    return {
        "name": str(_value(profile, "name") or "")[:200],
        "email": str(_value(profile, "email") or "")[:254],
        "phone": str(_value(profile, "phone") or "")[:60],
        "location": str(_value(profile, "location") or "")[:200],
        "headline": headline[:200],
        "years_experience": _decimal_years(years),
        "links": links,
        "skills": skills,
    }


def _decimal_years(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        years = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        return None
    return years if Decimal(0) <= years < Decimal(100) else None


def _search_text(candidate: Candidate) -> str:
    titles = _value(candidate.profile or {}, "positions") or []
    title_words = [t.get("title", "") if isinstance(t, dict) else str(t) for t in titles]
    parts = [candidate.name, candidate.headline, *title_words, *candidate.skills]
    return " | ".join(p for p in parts if p).lower()


def candidate_apply_profile(*, candidate: Candidate, profile: dict[str, Any]) -> Candidate:
    """Fills the columns from a parsed profile; fields the recruiter corrected keep their value.

    Does not save: callers save inside their own transaction.
    """
    candidate.profile = profile
    for name, value in _profile_fields(profile).items():
        correction = candidate.corrections.get(name)
        if correction is not None:
            value = correction["value"]
            if name == "years_experience":
                value = _decimal_years(value)
        setattr(candidate, name, value)
    candidate.search_text = _search_text(candidate)
    return candidate


class CorrectionError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _normalise_correction(name: str, raw: Any) -> Any:
    """The stored form of a corrected value, or ValueError with a sentence for the recruiter."""
    if name in ("links", "skills"):
        items = raw if isinstance(raw, list) else str(raw).replace("\n", ",").split(",")
        values = [str(v).strip() for v in items if str(v).strip()]
        if name == "links":
            check = URLValidator(schemes=["http", "https"])
            for url in values:
                try:
                    check(url)
                except ValidationError:
                    raise ValueError(
                        f"“{url}” is not a web address (http:// or https://)."
                    ) from None
        return list(dict.fromkeys(values))
    text = str(raw or "").strip()
    if name == "years_experience":
        if not text:
            return None
        try:
            years = Decimal(text)
        except InvalidOperation:
            raise ValueError("Enter the years as a number, for example 7.5.") from None
        if not Decimal(0) <= years < Decimal(80):
            raise ValueError("Years of experience must be between 0 and 80.")
        return str(years.quantize(Decimal("0.1")))
    if name == "email" and text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError("Enter a valid email address.") from None
    limit = getattr(Candidate._meta.get_field(name), "max_length", None) or 200
    if len(text) > limit:
        raise ValueError(f"At most {limit} characters.")
    return text


def _current(candidate: Candidate, name: str) -> Any:
    value = getattr(candidate, name)
    if name == "years_experience":
        return None if value is None else str(Decimal(value).quantize(Decimal("0.1")))
    return value


@transaction.atomic
def candidate_correct(*, candidate: Candidate, user: User, data: dict[str, Any]) -> Candidate:
    """Records the recruiter's corrections. Only changed fields become corrections; they win
    over the parser from now on, including when the resume is read again."""
    errors: dict[str, str] = {}
    changed: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in Candidate.CORRECTABLE_FIELDS:
            continue
        try:
            value = _normalise_correction(name, raw)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if value != _current(candidate, name):
            changed[name] = value
    if errors:
        raise CorrectionError(errors)
    if not changed:
        return candidate
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    now = timezone.now().isoformat()
    corrections = dict(candidate.corrections)
    for name, value in changed.items():
        corrections[name] = {"value": value, "by": user.email, "at": now}
    candidate.corrections = corrections
    candidate_apply_profile(candidate=candidate, profile=candidate.profile)
    candidate.save()
    return candidate


# --- Erasure ----------------------------------------------------------------------------------


def _erase_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not delete %s from storage", name)


def candidate_delete(*, candidate: Candidate) -> None:
    """Erases a candidate: its documents and their files, text, profile, embeddings and results.

    The rows go by cascade; the files go once the deletion has committed, so a rolled-back
    delete never leaves a candidate whose file is gone.
    """
    with transaction.atomic():
        names = [
            n
            for n in Document.objects.filter(candidate=candidate).values_list("file", flat=True)
            if n
        ]
        candidate.delete()
        transaction.on_commit(lambda: _erase_files(sorted(set(names))))


def candidates_purge_expired(*, now: datetime | None = None) -> int:
    """Erases candidates, and documents that never became one, past the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CANDIDATE_RETENTION_DAYS)
    erased = 0
    for candidate in Candidate.objects.filter(created_at__lt=cutoff).iterator():
        candidate_delete(candidate=candidate)
        erased += 1
    with transaction.atomic():
        leftovers = Document.objects.filter(created_at__lt=cutoff, candidate__isnull=True)
        names = [n for n in leftovers.values_list("file", flat=True) if n]
        leftovers.delete()
        UploadBatch.objects.filter(created_at__lt=cutoff, documents__isnull=True).delete()
        transaction.on_commit(lambda: _erase_files(names))
    return erased


def organisation_files_erase(org: Organisation) -> None:
    """Privacy eraser: the organisation's stored files (its rows go by cascade)."""
    names = [
        n for n in Document.objects.filter(organisation=org).values_list("file", flat=True) if n
    ]
    _erase_files(names)


def organisation_candidates_export(org: Organisation) -> Iterator[tuple[str, bytes]]:
    """Privacy exporter: every candidate as JSON, and the original files as uploaded."""
    rows = []
    for candidate in Candidate.objects.filter(organisation=org).order_by("pk"):
        rows.append(
            {
                "id": candidate.pk,
                "name": candidate.name,
                "email": candidate.email,
                "phone": candidate.phone,
                "location": candidate.location,
                "headline": candidate.headline,
                "years_experience": candidate.years_display,
                "links": candidate.links,
                "skills": candidate.skills,
                "profile": candidate.profile,
                "corrections": candidate.corrections,
                "text": candidate.text,
                "created_at": candidate.created_at.isoformat(),
            }
        )
    yield "candidates.json", json.dumps(rows, indent=2, ensure_ascii=False).encode()
    for document in Document.objects.filter(organisation=org).exclude(file="").order_by("pk"):
        try:
            with document.file.open("rb") as fh:
                data = fh.read()
        except OSError:
            continue
        yield f"files/{document.pk}-{clean_file_name(document.original_name)}", data
