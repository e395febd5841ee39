"""OB 3.0 credentials signed by a fresh did:key issuer: any microcred instance verifies them
without fetching anything, so they can travel between two instances on loopback."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from microcred.keys import KeyPair
from microcred.status import standing_entry
from microcred.verify import issue_credential

OB30 = Path(__file__).resolve().parents[1] / "vectors" / "ob30"


def did_key_credential(name: str = "Safe lifting", status_list_url: str = "") -> str:
    """A signed credential named ``name`` (a status entry on ``status_list_url`` if given)."""
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
