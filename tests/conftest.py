"""Fixtures shared by the whole suite.

Personas (healthchecks' habit): `alice` owns an organisation, `bob` is her teammate, `charlie`
belongs to another organisation and must never see alice's data.

Services: a test that needs PostgreSQL, Redis, Chromium, tesseract or ../shared skips on a
developer's machine that lacks it, and fails in CI (REQUIRE_SERVICES=1 / CI=true), so a missing
service can never turn a red build green.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection

from accounts.models import Membership, Organisation, User
from accounts.services import organisation_create
from config.celery import app
from matcher import reference
from matcher.services import matches
from tests.workers import worker_queue  # noqa: F401  (a fixture, shared by every test)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("ROLEMATCH_SHARED_DIR", ROOT.parent / "shared"))
ARTIFACTS_DIR = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery-staple"


def services_required() -> bool:
    return bool(settings.REQUIRE_SERVICES) or os.environ.get("CI", "").lower() == "true"


def need(condition: bool, reason: str) -> None:
    """Skip for a missing service on a developer's machine; fail in CI."""
    if condition:
        return
    if services_required():
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _reference_pool_embedded():
    # The bootstrap step `make run` takes: a worker started by a test then only loads the file
    # instead of spending its task's first half-minute embedding the pool.
    reference.ensure_built()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # Each test's database is rolled back and its ids reused, while the per-process caches
    # keyed by organisation id would outlive it and answer for a pool that no longer exists.
    matches.process_caches_clear()
    yield
    matches.process_caches_clear()


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def celery_eager(settings):
    """Runs queued tasks in-process, the real task code, for tests that are not about the worker."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture
def shared_dir() -> Path:
    need(SHARED_DIR.is_dir(), f"{SHARED_DIR} is absent (the read-only shared folder)")
    return SHARED_DIR


@pytest.fixture
def postgres() -> None:
    need(connection.vendor == "postgresql", "needs DATABASE_URL pointing at PostgreSQL")


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL
    need(bool(url), "needs REDIS_URL pointing at a Redis server")
    return str(url)


@pytest.fixture
def tesseract() -> str:
    path = shutil.which("tesseract")
    need(path is not None, "tesseract-ocr is not installed")
    return str(path)


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


# --- Personas -------------------------------------------------------------------------------


def make_user(email: str, *, verified: bool = True) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def alice(db) -> User:
    user = make_user("alice@example.com")
    organisation_create(owner=user, name="Alice Recruiting")
    return user


@pytest.fixture
def alice_org(alice: User) -> Organisation:
    return alice.membership.organisation


@pytest.fixture
def bob(alice_org: Organisation) -> User:
    user = make_user("bob@example.com")
    Membership.objects.create(user=user, organisation=alice_org, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def charlie(db) -> User:
    user = make_user("charlie@example.org")
    organisation_create(owner=user, name="Charlie Talent")
    return user


@pytest.fixture
def charlie_org(charlie: User) -> Organisation:
    return charlie.membership.organisation


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser(email="curator@rolematch.test", password=PASSWORD)


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
