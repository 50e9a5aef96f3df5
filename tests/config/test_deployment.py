"""Deployment as documented: the README's production steps, run for real.

Static files are collected the way the Dockerfile and README collect them, into a fresh VAR_DIR;
`check --deploy` must pass; gunicorn serves with DJANGO_DEBUG=0 and the documented production
variables on a free port on 127.0.0.1, against the database (and Redis) the suite uses; and the
pages a visitor, a recruiter and an integrator first open answer 200. A manifest that production
cannot read turns every page into a 500, which the Django test client (with its own storage) can
never show.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from roles.models import Role
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SECRET = "deploy-test-" + "s" * 60
pytestmark = pytest.mark.deploy
# The README's command, on a free port of the loopback and with one worker fewer (two cores).
GUNICORN_ARGS = ["--bind", "127.0.0.1:0", "--workers", "2", "--timeout", "60"]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def production_env(var_dir: Path, *, database: bool = True) -> dict[str, str]:
    """Only what the README documents for production, nothing inherited from the test run."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "HF_HUB_OFFLINE": "1",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "VAR_DIR": str(var_dir),
        # The Browser below is the load balancer's side: it terminates TLS and says so.
        "TRUST_X_FORWARDED_PROTO": "1",
    }
    if database:
        env["DATABASE_URL"] = _database_url()
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def dockerfile_collectstatic() -> tuple[dict[str, str], list[str]]:
    """The Dockerfile's collectstatic step: its variables and its manage.py arguments."""
    line = next(
        line
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("RUN") and "collectstatic" in line
    )
    words = shlex.split(line.removeprefix("RUN"))
    assignments = {}
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        assignments[name] = value
    assert words[:2] == ["python", "manage.py"], line
    return assignments, words[2:]


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A VAR_DIR whose static files were collected as the Dockerfile does it: at build time,
    with none of the production variables, which only the running container has."""
    var_dir = tmp_path_factory.mktemp("deploy-var")
    assignments, args = dockerfile_collectstatic()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    env |= {"VAR_DIR": str(var_dir), **assignments}
    result = manage(*args, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (var_dir / "static" / "staticfiles.json").is_file()
    return var_dir


def test_deploy_check_refuses_a_release_whose_static_files_were_not_collected(
    tmp_path: Path,
) -> None:
    result = manage("check", "--deploy", env=production_env(tmp_path / "empty-var", database=False))

    assert result.returncode != 0
    assert "accounts.E003" in result.stderr
    assert "collectstatic" in result.stderr


def test_deploy_check_refuses_a_manifest_from_an_older_release(
    collected: Path, tmp_path: Path
) -> None:
    stale = tmp_path / "var" / "static"
    stale.mkdir(parents=True)
    manifest = (collected / "static" / "staticfiles.json").read_text()
    (stale / "staticfiles.json").write_text(manifest.replace('"css/app.css"', '"css/old.css"'))

    result = manage("check", "--deploy", env=production_env(tmp_path / "var", database=False))

    assert result.returncode != 0
    assert "accounts.E004" in result.stderr
    assert "css/app.css" in result.stderr


def test_deploy_check_is_clean_once_static_files_are_collected(collected: Path) -> None:
    env = production_env(collected, database=False)

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


class Browser:
    """Just enough of a browser for the test: cookies, CSRF and the proxy's headers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            # The load balancer terminates TLS and says so; without it production redirects.
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        result = (response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        conn.close()
        return result


@pytest.fixture
def gunicorn(collected: Path, transactional_db: None) -> Iterator[Browser]:
    """The README's production steps against the suite's database, served on a free port."""
    env = production_env(collected)
    for step in (
        ("check", "--deploy", "--fail-level", "ERROR"),
        ("bootstrap",),
        ("create_recruiter", "deploy@example.com", "--password", PASSWORD, "--org", "Deploy"),
    ):
        result = manage(*step, env=env)
        assert result.returncode == 0, f"{step}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    log = collected / "gunicorn.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", *GUNICORN_ARGS],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
            port = int(found.group(1)) if found else None
            time.sleep(0.2)
        assert port is not None, log.read_text()[-3000:]
        yield Browser(port)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # Gunicorn's connections are gone: the database can be flushed for the next test.
        connection.close()


def _csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the sign-in form has no CSRF token"
    return found.group(1)


@pytest.mark.django_db(transaction=True)
def test_the_documented_production_deployment_serves_the_first_pages(gunicorn: Browser) -> None:
    role = Role.objects.filter(status=Role.Status.PUBLISHED).order_by("slug").first()
    assert role is not None, "bootstrap loaded no published role"

    status, _, home = gunicorn.request("GET", "/")
    assert status == 200, home[-2000:]
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home)
    assert stylesheet, "the landing page does not link the hashed stylesheet"
    status, headers, _ = gunicorn.request("GET", stylesheet.group(1))
    assert status == 200
    assert "immutable" in headers.get("cache-control", "")

    status, _, page = gunicorn.request("GET", f"/roles/{role.slug}/")
    assert status == 200, page[-2000:]
    assert role.title in page

    status, _, login = gunicorn.request("GET", "/accounts/login/")
    assert status == 200, login[-2000:]
    status, headers, _ = gunicorn.request(
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": _csrf_token(login),
            "login": "deploy@example.com",
            "password": PASSWORD,
        },
    )
    assert status == 302, headers
    assert headers["location"] == "/dashboard/"

    status, _, dashboard = gunicorn.request("GET", "/dashboard/")
    assert status == 200, dashboard[-2000:]
    assert "Deploy" in dashboard

    status, _, docs = gunicorn.request("GET", "/api/docs/")
    assert status == 200, docs[-2000:]
    assert "swagger" in docs.lower()
