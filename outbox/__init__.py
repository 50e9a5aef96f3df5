"""The task outbox: work is queued in the same transaction that records it, then sent to Celery.

The lowest layer of the project: it imports no app, and every app that starts background work
calls `outbox.services.task_enqueue` instead of talking to the broker itself.
"""
