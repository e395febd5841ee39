from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from microcred_web.achievements import services as achievement_services
from microcred_web.issuing import services as issuing_services
from microcred_web.issuing.models import Credential

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "backup.key"
    path.write_bytes(os.urandom(32))
    return path


@pytest.fixture
def issued(world) -> list[Credential]:
    """Three signed credentials of the organisation "acme" (committed: transactional tests)."""
    achievement = achievement_services.achievement_create(
        organisation=world.org,
        actor=world.people["admin"],
        values={
            "name": "Forklift safety",
            "description": "Drives a forklift safely.",
            "criteria": "Passed the practical test.",
        },
    )
    version = achievement_services.achievement_publish(
        achievement=achievement, actor=world.people["admin"]
    )
    return issuing_services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[
            issuing_services.RecipientInput(email=f"learner{number}@acme.example")
            for number in range(3)
        ],
        actor=world.people["issuer"],
        source="test",
        deliver=False,
    )


def admin_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The environment of a separate installation: its own database, var and media folders."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MICROCRED_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="microcred_web.config.settings",
        DATABASE_URL=database_url,
        MICROCRED_VAR_DIR=str(tmp_path / "restored-var"),
        MICROCRED_KEY_ENCRYPTION_KEY=settings.MICROCRED_KEY_ENCRYPTION_KEY,
        BASE_URL=settings.BASE_URL,
        SECRET_KEY="restore-test-secret",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return env


def run_admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "microcred_web.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(Path(__file__).with_name("restored_check.py"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
