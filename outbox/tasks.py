"""The outbox's periodic sender, run by beat."""

from __future__ import annotations

from celery import shared_task

from outbox.services import outbox_flush


@shared_task(name="outbox.flush", ignore_result=True)
def outbox_flush_task() -> int:
    return outbox_flush()
