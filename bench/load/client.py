"""A small HTTP load client: N client processes, each sending one request after another for a
fixed time, recording every latency and status.

Processes, not threads: four clients in one interpreter would queue on its lock and measure
themselves. Each request opens its own connection, as gunicorn's sync workers close every one.
"""

from __future__ import annotations

import http.client
import re
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from multiprocessing import get_context
from urllib.parse import urlencode

TIMEOUT_S = 30


@dataclass(frozen=True)
class Target:
    """One URL as a given visitor asks for it."""

    path: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, other: Stats) -> None:
        self.latencies_ms += other.latencies_ms
        self.statuses.update(other.statuses)
        self.errors.update(other.errors)
        self.seconds = max(self.seconds, other.seconds)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def all_ok(self) -> bool:
        return not self.errors and set(self.statuses) == {200}


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes, list[str]]:
    """One request through the load balancer's eyes (HTTPS terminated before us)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", **(headers or {})},
        )
        response = conn.getresponse()
        data = response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data, cookies
    finally:
        conn.close()


def run_for(port: int, targets: list[Target], *, seconds: float) -> Stats:
    """One client: the targets in turn, back to back, for `seconds`."""
    stats = Stats()
    started = time.perf_counter()
    deadline = started + seconds
    i = 0
    while time.perf_counter() < deadline:
        target = targets[i % len(targets)]
        i += 1
        sent = time.perf_counter()
        try:
            status, _, _, _ = request(port, "GET", target.path, headers=dict(target.headers))
        except (OSError, http.client.HTTPException) as exc:
            stats.errors[type(exc).__name__] += 1
            continue
        stats.latencies_ms.append(1000 * (time.perf_counter() - sent))
        stats.statuses[status] += 1
    stats.seconds = time.perf_counter() - started
    return stats


def hammer(port: int, targets: list[Target], *, clients: int, seconds: float) -> Stats:
    """`clients` processes asking for `targets` in turn, back to back, for `seconds`."""
    total = Stats()
    with ProcessPoolExecutor(max_workers=clients, mp_context=get_context("fork")) as pool:
        futures = [pool.submit(run_for, port, targets, seconds=seconds) for _ in range(clients)]
        for future in futures:
            total.add(future.result())
    return total


def sign_in(port: int, email: str, password: str) -> str:
    """Signs in through the form, as a person does; returns the session cookie header."""
    status, _, page, cookies = request(port, "GET", "/accounts/login/")
    jar = _cookies(cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"the sign-in page answered {status}")
    origin = f"https://127.0.0.1:{port}"
    status, headers, _, cookies = request(
        port,
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(jar),
            "Origin": origin,
            "Referer": origin + "/accounts/login/",
        },
        body=urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "login": email, "password": password}
        ).encode(),
    )
    if status != 302:
        raise RuntimeError(f"signing in answered {status} {headers.get('location', '')}")
    jar |= _cookies(cookies)
    return _cookie_header(jar)


def upload(port: int, token: str, files: list[tuple[str, bytes]]) -> int:
    """POST /api/v1/candidates/ with the files as multipart form data; returns the status."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, _, _, _ = request(
        port,
        "POST",
        "/api/v1/candidates/",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        body=body,
    )
    return status


def _cookies(headers: list[str]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for header in headers:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())
