"""The Celery application. Tasks live in each app's tasks.py and are found by autodiscovery."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rolematch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # Our tasks are written to be idempotent, so a task whose worker died is safer redone than
    # lost: acknowledge only after it ran, and hand it back if the worker process is killed.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # Tasks are long (parsing, embedding); prefetching more would park work behind a busy child.
    worker_prefetch_multiplier=1,
    task_track_started=True,
    task_ignore_result=False,
    result_expires=24 * 3600,
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_send_task_events=True,
)
app.autodiscover_tasks()

if str(app.conf.broker_url).startswith("filesystem://"):
    # kombu's filesystem transport needs its folders before the first message is sent.
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
if str(app.conf.result_backend).startswith("file://"):
    Path(str(app.conf.result_backend).removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@app.task(name="config.ping")
def ping() -> str:
    """Answers 'pong': lets health checks and tests prove a worker consumes the queue."""
    return "pong"
