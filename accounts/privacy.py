"""The privacy registry: how higher apps take part in export and erasure.

accounts sits at the bottom of the stack and imports no other app. An app that keeps an
organisation's data registers, in its `AppConfig.ready()`:

- an exporter, `fn(org) -> iterable of (path, bytes)`: the files it adds to the organisation's
  export ZIP, under a folder named after it;
- an eraser, `fn(org)`: deletes what the database cascade would not (files in storage, search
  indexes, embeddings kept elsewhere). It runs before the organisation row is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import Organisation

Exporter = Callable[["Organisation"], Iterable[tuple[str, bytes]]]
Eraser = Callable[["Organisation"], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def _check_name(name: str) -> None:
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"privacy registry name {name!r} must be a plain folder name")


def register_exporter(name: str, fn: Exporter) -> None:
    """Registering a name again replaces the earlier function (ready() may run twice)."""
    _check_name(name)
    _exporters[name] = fn


def register_eraser(name: str, fn: Eraser) -> None:
    _check_name(name)
    _erasers[name] = fn


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> dict[str, Eraser]:
    return dict(_erasers)


def unregister(name: str) -> None:
    _exporters.pop(name, None)
    _erasers.pop(name, None)
