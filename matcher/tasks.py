"""Engine tasks: thin wrappers that load by id and call the matching services."""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from typing import Any

from celery import shared_task
from celery.signals import worker_init

from matcher.embeddings import CONCURRENCY_ENV
from matcher.services.matching import candidate_embed, match_fail, match_score, pipeline_sweep
from matcher.services.recovery import work_recover

logger = logging.getLogger(__name__)

# A match waits for uploads still being read: poll every few seconds, for up to two hours.
WAIT_COUNTDOWN = 5
WAIT_RETRIES = 1440


@worker_init.connect
def _record_concurrency(sender: Any = None, **kwargs: Any) -> None:
    # Children inherit the environment: each then gives torch its share of the cores.
    concurrency = getattr(sender, "concurrency", None)
    if concurrency:
        os.environ[CONCURRENCY_ENV] = str(concurrency)


@shared_task(name="matcher.candidate_embed", acks_late=True, reject_on_worker_lost=True)
def candidate_embed_task(candidate_id: int) -> str:
    row = candidate_embed(candidate_id=candidate_id)
    return "embedded" if row is not None else "gone or failed"


@shared_task(name="matcher.pipeline_sweep")
def pipeline_sweep_task() -> dict[str, int]:
    return asdict(pipeline_sweep())


@shared_task(
    name="matcher.match_score",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=WAIT_RETRIES,
)
def match_score_task(self: Any, match_id: int) -> str:
    try:
        progress = match_score(match_id=match_id)
    except Exception:
        if self.request.retries >= 3:
            logger.exception("match %s failed for good", match_id)
            match_fail(
                match_id=match_id,
                message=(
                    "Scoring stopped on an internal error before this file was scored; nothing "
                    "left unscored was charged. Run the match again later."
                ),
            )
            return "failed"
        logger.exception("match %s failed; retrying", match_id)
        raise self.retry(countdown=30, max_retries=WAIT_RETRIES) from None
    if not progress.done:
        if self.request.retries >= WAIT_RETRIES:
            match_fail(
                match_id=match_id,
                message="Some files were still not read after two hours; they were not charged.",
            )
            return "failed"
        raise self.retry(countdown=WAIT_COUNTDOWN)
    return "done"


@shared_task(name="matcher.work_recover", ignore_result=True)
def work_recover_task() -> int:
    """The sweep that takes back work from dead workers; beat runs it every minute."""
    return work_recover().total
