from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "counterparts"))

from did_key_credential import did_key_credential as make_credential
from microcred_host import MicrocredHost, host_start


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
    return make_credential
