"""Fixtures for the interoperability tests against the reference JavaScript stack.

The npm dependencies pinned in ``tests/interop/js/package-lock.json`` are installed once with
``npm ci`` into ``.cache/interop/<hash of package.json + lockfile>/`` (gitignored) and reused
while the lockfile does not change. The harness scripts (``js/*.mjs``) are copied next to that
``node_modules`` so Node resolves the pinned packages; each call sends a batch as JSON on stdin.

If Node or the npm registry is unavailable the tests are skipped with the npm error as the
reason; nothing is skipped silently.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = Path(__file__).resolve().parent / "js"
CACHE_ROOT = ROOT / ".cache" / "interop"
CONTEXTS_DIR = ROOT / "src" / "microcred" / "contexts"
NPM_TIMEOUT_S = 300
NODE_TIMEOUT_S = 300


class HarnessError(AssertionError):
    """The node harness itself failed (not a per-item failure)."""


@dataclass
class JsHarness:
    """Runs ``node harness.mjs <command>`` on a batch of items."""

    directory: Path
    contexts_dir: Path | None
    calls: list[str] = field(default_factory=list)

    def run(
        self,
        command: str,
        items: Sequence[Mapping[str, Any]] = (),
        *,
        dids: Mapping[str, Any] | None = None,
        prefer: str = "npm",
    ) -> dict[str, Any]:
        request = {
            "contextsDir": str(self.contexts_dir) if self.contexts_dir else None,
            "prefer": prefer,
            "dids": dict(dids or {}),
            "items": list(items),
        }
        self.calls.append(command)
        completed = subprocess.run(
            ["node", str(self.directory / "harness.mjs"), command],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_S,
            cwd=self.directory,
            check=False,
        )
        if completed.returncode != 0:
            raise HarnessError(
                f"node harness.mjs {command} exited {completed.returncode}:\n{completed.stderr}"
            )
        response: dict[str, Any] = json.loads(completed.stdout)
        return response

    def results(
        self,
        command: str,
        items: Sequence[Mapping[str, Any]],
        *,
        dids: Mapping[str, Any] | None = None,
        prefer: str = "npm",
    ) -> list[dict[str, Any]]:
        response = self.run(command, items, dids=dids, prefer=prefer)
        results: list[dict[str, Any]] = response["results"]
        assert len(results) == len(items)
        return results

    def ok_results(
        self,
        command: str,
        items: Sequence[Mapping[str, Any]],
        *,
        dids: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Like :meth:`results`, but every item must have succeeded."""
        results = self.results(command, items, dids=dids)
        failures = [(i, r["error"]) for i, r in enumerate(results) if not r["ok"]]
        assert not failures, f"JS {command} failed for items: {failures[:3]}"
        return results


def _install_key() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((JS_DIR / name).read_bytes())
    digest.update(f"node-major:{_node_major()}".encode())
    return digest.hexdigest()[:16]


def _node_major() -> str:
    out = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True, timeout=30
    )
    return out.stdout.strip().lstrip("v").split(".")[0]


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if target.exists() and target.read_bytes() == data:
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)


def _prepare(cache: Path) -> None:
    """``npm ci`` into ``cache`` once per lockfile (under a lock: xdist workers may race)."""
    cache.mkdir(parents=True, exist_ok=True)
    marker = cache / "node_modules" / ".microcred-installed"
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(JS_DIR / name, cache / name)
            completed = subprocess.run(
                [
                    "npm",
                    "ci",
                    "--prefix",
                    str(cache),
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ],
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT_S,
                check=False,
            )
            if completed.returncode != 0:
                pytest.skip(
                    "reference JS stack unavailable: `npm ci` failed "
                    f"(exit {completed.returncode}):\n{completed.stderr.strip()[-2000:]}"
                )
            marker.write_text("ok\n")
        for script in JS_DIR.glob("*.mjs"):
            _copy_if_changed(script, cache / script.name)


@pytest.fixture(scope="session")
def js() -> Iterator[JsHarness]:
    """The reference JavaScript stack, installed from npm into ``.cache/interop/``."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.skip(f"reference JS stack unavailable: `{tool}` is not on PATH")
    cache = CACHE_ROOT / _install_key()
    _prepare(cache)
    contexts_dir = CONTEXTS_DIR if (CONTEXTS_DIR / "index.json").exists() else None
    yield JsHarness(directory=cache, contexts_dir=contexts_dir)
