"""`check --deploy` is clean under the production environment, and production refuses to
start with the development secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "KPI_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-test-0123456789",
    "ALLOWED_HOSTS": "kpi.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://kpi.example.gov.vn",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The test process's own switches (pytest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright)
    # are not part of a deployment.
    dropped = ("DEBUG", "KPI_ENV", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "ALLOWED_HOSTS")
    base = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_in_production() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_makes_production_settings_strict() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "['kpi.example.gov.vn']",
    ]


def test_it_fails_the_deploy_check_with_development_defaults() -> None:
    # What scripts/run.sh uses (plain http on 127.0.0.1) is not a production configuration.
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={})
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE


def test_it_refuses_the_development_key_in_production() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": "dev-only-insecure-key-change-me"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    env.pop("SECRET_KEY")
    result = run_manage("check", env={k: v for k, v in env.items()})
    assert result.returncode != 0
