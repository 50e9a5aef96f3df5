"""Intake tasks: thin wrappers that load by id and call the intake services."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from candidates.models import Document
from candidates.services import INTERNAL_ERROR, document_fail, document_parse
from candidates.services import candidates_purge_expired as purge_expired

logger = logging.getLogger(__name__)


def _fail(document_id: int, code: str, message: str) -> str:
    document = Document.objects.filter(pk=document_id).first()
    if document is not None:
        document_fail(document=document, code=code, message=message)
    return "failed"


@shared_task(name="matcher.document_parse", acks_late=True, reject_on_worker_lost=True)
def document_parse_task(document_id: int) -> str | None:
    """Reads one document. Redelivered if its worker dies; the service bounds the retries."""
    try:
        document = document_parse(document_id=document_id)
    except SoftTimeLimitExceeded:
        return _fail(
            document_id,
            "timeout",
            "Reading this file took too long and was stopped. Re-export it (for example as a "
            "text-based PDF) and upload it again.",
        )
    except Exception:
        # A bug of ours must not leave the file "reading" forever: fail it, and log for us.
        logger.exception("parsing document %s failed unexpectedly", document_id)
        return _fail(document_id, "internal", INTERNAL_ERROR)
    return document.status if document is not None else None


@shared_task(name="matcher.candidates_purge_expired")
def candidates_purge_expired_task() -> int:
    return purge_expired()
