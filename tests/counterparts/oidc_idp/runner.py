"""Start and drive the test OpenID Provider (``serve.py``) from a test: a second process on a
free loopback port; a person "in a browser" is an urllib opener with cookies that stops at
the first redirect leaving the provider."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

SERVE = Path(__file__).resolve().parent / "serve.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class OidcProvider:
    """A running provider; ``issuer`` is what a relying party configures."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/o"
        self._env = {**os.environ, "IDP_DB": str(workdir / "idp.sqlite3")}
        self._env.pop("DJANGO_SETTINGS_MODULE", None)
        self._process = subprocess.Popen(
            [sys.executable, str(SERVE), "serve", str(self.port)],
            env=self._env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the OIDC provider stopped: {self._process.stderr.read()!r}")
            try:
                with urllib.request.urlopen(
                    f"{self.issuer}/.well-known/openid-configuration", timeout=2
                ) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the OIDC provider did not start within 60 s")

    def seed(self, *, clients: list[dict] = (), users: list[dict] = ()) -> None:  # type: ignore[assignment]
        spec = json.dumps({"clients": list(clients), "users": list(users)})
        subprocess.run(
            [sys.executable, str(SERVE), "seed", spec], env=self._env, check=True, timeout=60
        )

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        if self._process.stderr:
            self._process.stderr.close()

    def person_signs_in(self, authorize_url: str, username: str, password: str) -> str:
        """Follow ``authorize_url`` at the provider as a person who signs in; the URL the
        provider finally sends the browser to (the relying party's callback)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        url, data = authorize_url, None
        for _hop in range(10):
            if not url.startswith(self.base):
                return url
            try:
                answer = opener.open(url, data=data, timeout=10)
            except urllib.error.HTTPError as exc:
                if exc.code in (301, 302, 303):
                    url, data = urllib.parse.urljoin(url, exc.headers["Location"]), None
                    continue
                raise
            body = answer.read().decode()
            if "csrfmiddlewaretoken" in body and 'name="username"' in body:
                token = next(c.value for c in jar if c.name == "idp_csrftoken")
                next_value = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["next"][0]
                data = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "username": username,
                        "password": password,
                        "next": next_value,
                    }
                ).encode()
                continue
            raise AssertionError(f"the provider showed a page instead of redirecting: {body[:300]}")
        raise AssertionError("too many redirects at the provider")
