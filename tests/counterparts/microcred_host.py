"""A second microcred instance, run by the tests as an external Open Badges 3.0 host.

It is the real application (granian serving the production WSGI app, its own SQLite database,
migrated and seeded here), so the client side is tested against the resource server of OB 3.0
§6 (discovery, RFC 7591 registration, authorization code + PKCE S256, token, refresh rotation,
RFC 7009 revocation, getCredentials, upsertCredential) exactly as it runs in production.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

SRC = Path(__file__).resolve().parents[2] / "src"
MANAGE = SRC / "microcred_web" / "manage.py"
LEARNER_EMAIL = "lea@host.example"
LEARNER_PASSWORD = "host-password-2025"

SEED = f"""
from microcred_web.accounts.models import User
if not User.objects.filter(email={LEARNER_EMAIL!r}).exists():
    User.objects.create_user(email={LEARNER_EMAIL!r}, password={LEARNER_PASSWORD!r},
                             display_name="Lea at the host")
"""


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


@dataclass
class MicrocredHost:
    url: str
    database: Path
    process: subprocess.Popen[bytes]

    def rows(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the host's own database (what it stored, and its verification label)."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            return list(db.execute(query, params))

    def imports_of_learner(self) -> list[tuple[str, str]]:
        return [
            (str(name), str(label))
            for name, label in self.rows(
                "select i.name, i.label from wallet_importedcredential i "
                "join accounts_user u on u.id = i.owner_id where u.email = ?",
                LEARNER_EMAIL,
            )
        ]

    def live_tokens(self) -> int:
        (count,) = self.rows(
            "select count(*) from oauth2_provider_refreshtoken where revoked is null"
        )[0]
        return int(count)

    def signed_in_session(self) -> requests.Session:
        """A browser-like session signed in as the host's learner."""
        session = requests.Session()
        page = session.get(f"{self.url}/accounts/sign-in/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the host's sign-in page"
        answer = session.post(
            f"{self.url}/accounts/sign-in/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "email": LEARNER_EMAIL,
                "password": LEARNER_PASSWORD,
            },
            headers={"Referer": f"{self.url}/accounts/sign-in/"},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        return session

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _environment(directory: Path, address: str, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "MICROCRED_", "BASE_URL"))
    }
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="microcred_web.config.settings",
        DATABASE_URL=f"sqlite:///{directory / 'host.sqlite3'}",
        BASE_URL=f"http://{address}:{port}",
        ALLOWED_HOSTS=f"{address},localhost",
        MICROCRED_VAR_DIR=str(directory / "var"),
        SECRET_KEY="host-instance-secret-key-for-tests-only",
        MICROCRED_KEY_ENCRYPTION_KEY="host-instance-kek-for-tests-only",
        MICROCRED_EVENTS_FLUSH_SECONDS="0",
    )
    return env


def host_start(directory: Path, address: str = "127.0.0.1") -> MicrocredHost:
    """Migrate, seed and serve a fresh instance on a free loopback port. A browser test gives
    another loopback address (127.0.0.2): cookies ignore ports, so two instances on one address
    would share one session cookie in the browser."""
    from microcred_web.common.serving import granian_command

    port = free_port(address)
    env = _environment(directory, address, port)
    python = sys.executable
    for args in (["migrate", "--noinput"], ["shell", "-c", SEED]):
        subprocess.run(
            [python, str(MANAGE), *args], env=env, check=True, capture_output=True, timeout=300
        )
    log = (directory / "host.log").open("wb")
    command = granian_command(host=address, port=port, workers=1, threads=4)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=SRC)
    url = f"http://{address}:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    "the host instance did not start: " + (directory / "host.log").read_text()
                ) from None
            time.sleep(0.2)
    return MicrocredHost(url=url, database=directory / "host.sqlite3", process=process)
