"""Settings are read at start-up, so each configuration is tried in a fresh
Python process with its own environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "ELASTICSEARCH_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(args, settings_module, **environment):
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **environment)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def read_settings(settings_module, **environment):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
        "'search': s.ELASTICSEARCH_URL, 'debug': s.DEBUG, 'language': s.LANGUAGE_CODE, "
        "'time_zone': s.TIME_ZONE}))"
    )
    completed = run(["-c", script], settings_module, **environment)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def production_environment(**overrides):
    environment = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "choque.example",
        "WAGTAILADMIN_BASE_URL": "https://choque.example",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    environment.update(overrides)
    return environment


def test_embedded_default_needs_no_service():
    values = read_settings("marketplace.settings.dev")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["broker"] == ""
    assert values["search"] == ""
    assert values["debug"] is True
    assert (values["language"], values["time_zone"]) == ("vi", "Asia/Ho_Chi_Minh")


def test_services_are_chosen_by_the_environment():
    values = read_settings(
        "marketplace.settings.dev",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["search"] == "http://127.0.0.1:9200"


def test_production_configuration_passes_the_deployment_checks():
    completed = run(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        "marketplace.settings.production",
        **production_environment(),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # The one silenced warning (security.W019) is explained in production.py.
    assert "System check identified no issues (1 silenced)." in completed.stdout


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "django-insecure-cho-que-development-key-do-not-use-in-production",
        "too-short",
        "a" * 60,
    ],
    ids=["missing", "development key", "short", "repetitive"],
)
def test_production_refuses_to_start_without_a_real_secret(secret):
    environment = production_environment()
    if secret is None:
        del environment["SECRET_KEY"]
    else:
        environment["SECRET_KEY"] = secret
    completed = run(["manage.py", "check"], "marketplace.settings.production", **environment)
    assert completed.returncode != 0
    assert "Production needs its own SECRET_KEY" in completed.stderr


def test_production_refuses_demo_data():
    completed = run(["manage.py", "load_demo"], "marketplace.settings.production", **production_environment())
    assert completed.returncode != 0
    assert "Demo data is not allowed" in completed.stderr
