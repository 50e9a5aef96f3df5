"""One short stamp for what this deployment renders pages with.

Whole role pages are cached for a day. Keyed on the role alone, a deploy that changed a template
or a stylesheet kept serving pages rendered by the old one, linking hashed static files the new
deploy may no longer have. Page caches key on this stamp too, so a deploy starts them afresh
without emptying the rest of the cache (rate limits, idempotency records, vector versions).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings


@functools.cache
def release_stamp() -> str:
    """`RELEASE` when the deploy names itself (an image tag, a commit), else a digest of the
    project's templates and Python source and of the static manifest, read once a process."""
    if settings.RELEASE:
        return str(settings.RELEASE)
    base = Path(settings.BASE_DIR).resolve()
    digest = hashlib.sha256()
    # Names relative to the checkout: web machines with the same code in other folders agree.
    for path in _rendering_files():
        name = path.relative_to(base) if path.is_relative_to(base) else Path(path.name)
        digest.update(str(name).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _rendering_files() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    engines: list[dict[str, Any]] = settings.TEMPLATES
    roots = {Path(d) for t in engines for d in t.get("DIRS", [])} | {base / "config"}
    roots |= {
        Path(c.path).resolve()
        for c in apps.get_app_configs()
        if Path(c.path).resolve().is_relative_to(base) and "site-packages" not in Path(c.path).parts
    }
    files = {
        f
        for root in roots
        if root.is_dir()
        for pattern in ("*.html", "*.py", "*.txt", "*.json")
        for f in root.rglob(pattern)
        if "__pycache__" not in f.parts
    }
    # Installed packages' templates and tags (admin, allauth, htmx) change with the lock.
    extras = [
        base / "requirements" / "constraints.txt",
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]
    files |= {f for f in extras if f.is_file()}
    return sorted(files)
