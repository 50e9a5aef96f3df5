"""Reads of the outbox."""

from __future__ import annotations

from typing import Any

from outbox.models import Message


def message_pending(task: str, *args: Any) -> bool:
    """Whether this very task waits in the outbox for the broker (it will run; do not give up on
    its work, do not queue it again)."""
    return Message.objects.filter(task=task, args=list(args)).exists()


def message_args_pending(task: str) -> list[list[Any]]:
    """The arguments of every message of `task` waiting for the broker."""
    return [list(args) for args in Message.objects.filter(task=task).values_list("args", flat=True)]


def outbox_pending() -> int:
    """Messages the broker has not taken yet."""
    return Message.objects.count()
