"""`Idempotency-Key` for POSTs that create something: a retried request creates it once.

The first request with a key stores its response for a day; a retry with the same key and the same
body gets that stored response back (header `Idempotent-Replayed: true`) without running the view
again. The same key with a different body is refused, and a retry that arrives while the first is
still running gets 409 instead of racing it. The record lives in the shared cache, which is Redis
in production, so every web process agrees.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import Problem

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600
LOCK_SECONDS = 120
MAX_KEY_LENGTH = 255
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


def _fingerprint(request: Request) -> str:
    """What makes two requests 'the same': fields and values, files by name and size."""
    parts: list[Any] = []
    data = request.data
    items = (
        data.lists() if hasattr(data, "lists") else (data.items() if isinstance(data, dict) else [])
    )
    for key, value in sorted(items, key=lambda kv: kv[0]):
        parts.append([key, str(value)])
    for key, files in sorted(request.FILES.lists()):
        parts.append([key, [(f.name, f.size) for f in files if isinstance(f, UploadedFile)]])
    if not parts and not isinstance(data, dict):
        parts.append(json.dumps(data, sort_keys=True, default=str))
    raw = json.dumps([request.method, request.path, parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _scope(request: Request, key: str) -> str:
    org = getattr(request, "organisation", None)
    owner = f"{getattr(org, 'pk', '-')}:{getattr(request.user, 'pk', '-')}"
    digest = hashlib.sha256(f"{owner}:{request.path}:{key}".encode()).hexdigest()
    return f"idempotency:{digest}"


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    """Decorates an APIView's `post`."""

    @wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise Problem(
                "validation-error", f"{HEADER} must be at most {MAX_KEY_LENGTH} characters."
            )
        scope = _scope(request, key)
        fingerprint = _fingerprint(request)
        try:
            stored = cache.get(scope)
            locked = stored is None and cache.add(f"{scope}:lock", 1, timeout=LOCK_SECONDS)
        except Exception as exc:
            # Without its records the key cannot be honoured: refuse before doing anything, so
            # that the client's retry is the first attempt.
            logger.warning("idempotency records unreachable: %s", exc)
            raise _unavailable() from exc
        if stored is not None:
            return _replay(stored, fingerprint)
        if not locked:
            raise Problem("request-in-progress", status_code=status.HTTP_409_CONFLICT)
        try:
            # Checked again under the lock: the first request may have finished in between.
            stored = cache.get(scope)
            if stored is not None:
                return _replay(stored, fingerprint)
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                _store(scope, fingerprint, response)
            return response
        finally:
            try:
                cache.delete(f"{scope}:lock")
            except Exception:
                logger.warning("idempotency lock %s left to expire", scope)

    return wrapper


def _store(scope: str, fingerprint: str, response: Response) -> None:
    headers = {h: response[h] for h in ("Location", "Content-Location") if response.has_header(h)}
    record = {
        "fingerprint": fingerprint,
        "status": response.status_code,
        "data": response.data,
        "headers": headers,
    }
    try:
        cache.set(scope, record, timeout=TTL_SECONDS)
    except Exception:
        # The work is done and committed: answering an error now would invite a retry that
        # does it twice. The client gets its result; only a replay of it is lost.
        logger.exception("idempotency record %s not stored", scope)


def _unavailable() -> Problem:
    problem = Problem(
        "service-unavailable",
        "We cannot take this request right now. Nothing was done; retry with the same "
        "Idempotency-Key in a moment.",
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
    )
    # DRF turns `wait` into the Retry-After header.
    problem.wait = RETRY_AFTER_SECONDS
    return problem


def _replay(stored: dict[str, Any], fingerprint: str) -> Response:
    if stored["fingerprint"] != fingerprint:
        raise Problem("idempotency-key-reused", status_code=status.HTTP_422_UNPROCESSABLE_ENTITY)
    response = Response(
        stored["data"], status=stored["status"], headers=stored.get("headers") or {}
    )
    response["Idempotent-Replayed"] = "true"
    return response
