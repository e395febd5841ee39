from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "counterparts"))

from microcred_host import MicrocredHost, host_start

from microcred.keys import KeyPair
from microcred.verify import issue_credential

OB30 = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


@pytest.fixture(scope="module")
def external_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MicrocredHost]:
    """A second microcred instance (its own process and database) acting as the OB 3.0 host."""
    host = host_start(tmp_path_factory.mktemp("ob3-host"))
    yield host
    host.stop()


@pytest.fixture
def loopback_hosts_allowed(settings: Any) -> None:
    """The operator lets the wallet reach hosts on private addresses over http (as on premises)."""
    settings.MICROCRED_OB3_CLIENT_ALLOW_PRIVATE = True
    settings.MICROCRED_OB3_CLIENT_ALLOW_HTTP = True


@pytest.fixture
def did_key_credential() -> Callable[..., str]:
    """An OB 3.0 credential signed by a did:key issuer: it verifies on any instance offline."""

    def make(name: str = "Safe lifting", status_list_url: str = "") -> str:
        from microcred.status import standing_entry

        key = KeyPair.generate_ed25519()
        data: dict[str, Any] = json.loads((OB30 / "simple.json").read_text(encoding="utf-8"))
        data.pop("proof")
        data["id"] = f"urn:uuid:{uuid.uuid4()}"
        data["issuer"]["id"] = key.controller
        data["name"] = name
        data["credentialSubject"]["achievement"]["name"] = name
        if status_list_url:
            data["credentialStatus"] = standing_entry(list_credential_url=status_list_url, index=3)
        return json.dumps(issue_credential(data, key, created="2025-01-01T00:00:00Z"))

    return make
