"""Fixtures for the suite tests: the 1EdTech OB 3.0 fixtures in tests/vectors/ob30."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


@pytest.fixture(scope="session")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / "manifest.json").read_text(encoding="utf-8"))
    return data


def _load_fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OB30 / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def ob30_json() -> Callable[[str], dict[str, Any]]:
    """Loader of a JSON fixture from tests/vectors/ob30 (a fresh copy each call)."""
    return _load_fixture
