"""The production processes the load bench measures: static files collected as the Dockerfile
does, gunicorn with DJANGO_DEBUG=0 as the README says, a Celery worker, and their memory."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(
    *, var_dir: Path, database_url: str, redis_url: str, queue: str
) -> dict[str, str]:
    """The README's production variables, and nothing inherited from the bench's shell."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(Path.home()),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        # The client plays the TLS-terminating load balancer (X-Forwarded-Proto: https).
        "TRUST_X_FORWARDED_PROTO": "1",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # A queue of its own: no other worker on this Redis takes the bench's work.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # The bench measures the pages, not the per-token limit (600 a minute by default).
        "API_THROTTLE_RATE": "1000000/min",
    }


def collectstatic(var_dir: Path) -> None:
    """As the Dockerfile's build step: no production variables, the manifest production reads."""
    env = {"PATH": os.environ["PATH"], "HOME": str(Path.home())}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**env, "VAR_DIR": str(var_dir)},
        check=True,
        capture_output=True,
        timeout=300,
    )


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def gunicorn_start(
    env: dict[str, str], log: Path, workers: int
) -> tuple[subprocess.Popen[bytes], int]:
    """The README's gunicorn command on a free port of the loopback; returns it and the port."""
    proc = _start(
        [
            *("gunicorn", "config.wsgi", "--bind", "127.0.0.1:0"),
            *("--workers", str(workers), "--timeout", "60"),
        ],
        env,
        log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        text = log.read_text(errors="replace")
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)
        if found and text.count("Booting worker") >= workers:
            return proc, int(found.group(1))
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError("gunicorn did not start:\n" + log.read_text(errors="replace")[-3000:])


def worker_start(env: dict[str, str], log: Path, concurrency: int) -> subprocess.Popen[bytes]:
    """`celery -A config worker` as the README runs it, on the bench's queue."""
    queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    return _start(
        [
            *("celery", "-A", "config", "worker", "--loglevel", "INFO", "--pool", "prefork"),
            *("--concurrency", str(concurrency), "--queues", queue, "--hostname", f"{queue}@%h"),
            *("--without-gossip", "--without-mingle"),
        ],
        env,
        log,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    # The whole process group: gunicorn's and celery's children must not outlive the bench.
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def group_rss_mb(pgid: int, *, children_only: bool = False) -> float:
    """The resident memory of every process in a process group, in MB, from /proc. With
    `children_only`, the group leader (gunicorn's arbiter, which serves nothing) is left out."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (children_only and int(entry.name) == pgid):
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid:  # field 5 of stat: the process group
                continue
            status = (entry / "status").read_text()
        except (OSError, ValueError):
            continue  # the process ended meanwhile
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


@dataclass
class MemorySampler:
    """Samples the web workers' and the Celery processes' RSS every `every` seconds."""

    web_pgid: int
    worker_pgid: int
    every: float = 1.0
    samples: list[tuple[float, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.perf_counter()
        while not self._stop.is_set():
            web = group_rss_mb(self.web_pgid, children_only=True)
            worker = group_rss_mb(self.worker_pgid)
            self.samples.append((time.perf_counter() - started, web, worker))
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
