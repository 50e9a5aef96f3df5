from __future__ import annotations

from django.db import models


class Message(models.Model):
    """A Celery task still to be handed to the broker.

    Written in the transaction of the work it starts, so the work and the intent to run it commit
    (or roll back) together; deleted once the broker has taken it.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    # Run no earlier than this (a countdown given when it was queued).
    eta = models.DateTimeField(null=True, blank=True)
    # When a sender may next try it: a sender claims a row by moving this into the future, so a
    # message is sent by one process at a time and retried after a failure or a crash.
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
