"""docker-compose.yml is the deployment recipe; no engine runs here, so check its shape."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_it_defines_web_worker_db_and_redis_with_health_checks() -> None:
    services = _compose()["services"]
    assert {"web", "worker", "db", "redis"} <= set(services)
    for name in ("web", "worker", "db", "redis"):
        assert "healthcheck" in services[name], f"{name} has no health check"
        assert services[name]["healthcheck"]["test"], name


def test_web_and_worker_run_the_same_image() -> None:
    services = _compose()["services"]
    assert services["web"]["image"] == services["worker"]["image"]
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "celery" in " ".join(services["worker"]["command"])
    # A fixed name would stop `--scale worker=N`.
    assert "container_name" not in services["worker"]


def test_data_lives_in_named_volumes() -> None:
    compose = _compose()
    volumes = set(compose["volumes"])
    assert volumes
    for service in compose["services"].values():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in volumes


def test_services_read_the_variables_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in ENV_EXAMPLE.read_text().splitlines()
        if "=" in line and not line.startswith("##")
    }
    services = _compose()["services"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert set(env) <= documented, set(env) - documented
        assert "DATABASE_URL" in env
        assert "REDIS_URL" in env


def test_it_reads_x_forwarded_proto_exactly_when_it_redirects_to_https() -> None:
    # gunicorn serves plain HTTP for a TLS proxy: redirecting to HTTPS without reading the
    # proxy's X-Forwarded-Proto would redirect forever, and reading it without a proxy would let
    # clients claim HTTPS. The documented way off is both at 0.
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-1}", name
        assert env["TRUST_X_FORWARDED_PROTO"] == "${TRUST_X_FORWARDED_PROTO:-1}", name


def test_the_port_that_trusts_x_forwarded_proto_is_published_on_loopback_only() -> None:
    # A client reaching gunicorn directly could send X-Forwarded-Proto: https itself; with the
    # header trusted, only a proxy on the same host may reach the port unless told otherwise.
    services = _compose()["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert str(port).startswith("${WEB_PUBLISH_ADDRESS:-127.0.0.1}:"), (name, port)
    assert services["web"]["ports"] == ["${WEB_PUBLISH_ADDRESS:-127.0.0.1}:8000:8000"]
    documented = ENV_EXAMPLE.read_text()
    assert "# WEB_PUBLISH_ADDRESS=127.0.0.1" in documented
