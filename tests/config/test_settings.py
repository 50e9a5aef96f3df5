"""Configuration fails loudly in production and is clean under `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "rolematch.example.com",
    "SITE_URL": "https://rolematch.example.com",
}


def _manage(
    *args: str, extra_env: dict[str, str], drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    # The test process sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; production never does.
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_stops_with_a_clear_message() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", extra_env=env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_clear_message() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = _manage("check", extra_env=env, drop=("ALLOWED_HOSTS",))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


# A request for a signed-in page over plain HTTP that claims HTTPS in X-Forwarded-Proto, through
# the security middleware, in a process whose settings were read from its environment.
PROBE = """
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory

request = RequestFactory().get(
    "/dashboard/", HTTP_HOST="rolematch.example.com", HTTP_X_FORWARDED_PROTO="{proto}"
)
response = SecurityMiddleware(lambda request: HttpResponse("served"))(request)
print(request.is_secure(), response.status_code, response.get("Location", "-"))
"""


def _probe(proto: str, **extra_env: str) -> str:
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        PROBE.format(proto=proto),
        extra_env={**PRODUCTION_ENV, **extra_env},
        drop=("TRUST_X_FORWARDED_PROTO", "SECURE_SSL_REDIRECT"),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_client_cannot_pass_plain_http_off_as_https_without_a_proxy_declared() -> None:
    assert _probe("https") == "False 301 https://rolematch.example.com/dashboard/"


def test_behind_a_tls_proxy_its_x_forwarded_proto_is_read() -> None:
    assert _probe("https", TRUST_X_FORWARDED_PROTO="1") == "True 200 -"
    assert _probe("http", TRUST_X_FORWARDED_PROTO="1") == (
        "False 301 https://rolematch.example.com/dashboard/"
    )


# `check --deploy` with collected static files: tests/config/test_deployment.py.
