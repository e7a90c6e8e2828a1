"""What an operator relies on: production settings pass Django's deploy checks, and the
health probes say whether the service can do its job."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deploy_checks():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "evidence.example",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="evidence.example")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_liveness_answers_without_touching_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_reports_the_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readiness_fails_when_the_broker_is_unreachable(client, settings):
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_the_openapi_schema_documents_the_error_shape(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "detail", "fields"}
    booking_post = schema["paths"]["/api/v1/bookings/"]["post"]
    assert {"201", "400", "409"} <= set(booking_post["responses"])
    parameters = {p["name"] for p in booking_post.get("parameters", [])}
    assert "Idempotency-Key" in parameters


def _published_ports(service: str) -> list[str]:
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"][service].get("ports", [])


def test_docker_compose_publishes_the_web_server_on_loopback_only_by_default():
    """The TLS proxy in front is the one way in: port 8000 is not published on every
    interface unless WEB_BIND says so."""
    (port,) = _published_ports("web")

    assert port == "${WEB_BIND:-127.0.0.1}:8000:8000"


def test_docker_compose_publishes_nothing_else_beyond_loopback():
    published = {
        service: port
        for service in ("postgres", "redis", "mailpit", "fake-twilio", "worker", "beat")
        for port in _published_ports(service)
    }

    assert all(port.startswith("127.0.0.1:") for port in published.values()), published
