"""Real processes to break: Celery workers killed whole, a Redis stopped and started again."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management import call_command

from candidates.models import Document
from config.celery import app as celery_app
from tests.conftest import need
from tests.workers import test_database_url, worker_start, worker_stop


def wait_for(
    check: Callable[[], Any], *, timeout: float, what: str, log: Path | None = None
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.1)


class Workers:
    """Prefork workers on a queue of the test's own, sharing the test database and media."""

    def __init__(self, tmp_path: Path, media: Path, extra_env: dict[str, str]) -> None:
        self.queue = f"test-faults-{uuid.uuid4().hex[:10]}"
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": test_database_url(),
            "MEDIA_ROOT": str(media),
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            **extra_env,
        }
        self.running: list[subprocess.Popen[bytes]] = []
        self.log = tmp_path / "worker-0.log"

    def start(self) -> subprocess.Popen[bytes]:
        self.log = self.tmp_path / f"worker-{len(self.running)}.log"
        worker = worker_start(self.env, self.queue, self.log, pool="prefork")
        self.running.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        """kill -9 of the whole worker: its main process and its children, no warm shutdown."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def kill_child(self, worker: subprocess.Popen[bytes]) -> int:
        """kill -9 of the worker's one pool process, as the kernel's OOM killer does: the worker
        lives on, sees its child lost, hands the task back to the broker and starts a child."""
        children = [
            int(pid)
            for thread in Path(f"/proc/{worker.pid}/task").iterdir()
            for pid in (thread / "children").read_text().split()
        ]
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        return children[0]

    def stop_all(self) -> None:
        for worker in self.running:
            if worker.poll() is None:
                worker_stop(worker)


@contextmanager
def workers(settings: Any, tmp_path: Path, **extra_env: str) -> Iterator[Workers]:
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    pool = Workers(tmp_path, media, extra_env)
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = pool.queue
    try:
        yield pool
    finally:
        celery_app.conf.task_default_queue = previous
        pool.stop_all()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own, on its own port, persisting to its own folder."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        need(binary is not None, "redis-server is not installed")
        self.binary = str(binary)
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                # A broker must keep its queues across a restart, like production's.
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=(self.folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self._answers, timeout=10, what="redis-server to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def assert_all_settled_and_ledger_clean() -> None:
    """Every document in a final stage, and the ledger consistent with no credit left held."""
    unsettled = list(
        Document.objects.exclude(status__in=list(Document.FINAL_STATUSES)).values_list(
            "original_name", "status"
        )
    )
    assert not unsettled, unsettled
    call_command("audit_ledger")
