"""A small xAPI LRS client, written from the xAPI 1.0.3 specification (Part Three:
§2.1 Statement Resource PUT/POST/GET, §2.6 About Resource, §4 Authentication (HTTP Basic),
§6.2 X-Experience-API-Version header) — what an LMS or authoring tool does to report to an LRS.
Standard library only; talks real HTTP to the server the test started."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class LrsClient:
    endpoint: str  # ends with "/", e.g. http://127.0.0.1:8000/xapi/
    key: str
    secret: str
    version: str | None = "1.0.3"

    def _send(
        self,
        method: str,
        resource: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        auth: bool = True,
    ) -> Reply:
        url = self.endpoint + resource + (f"?{urlencode(params)}" if params else "")
        headers = {}
        if self.version is not None:
            headers["X-Experience-API-Version"] = self.version
        if auth:
            pair = f"{self.key}:{self.secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = Request(url, data=data, method=method, headers=headers)
        try:
            with urlopen(request, timeout=10) as response:
                raw = response.read()
                return Reply(response.status, dict(response.headers), _json(raw))
        except HTTPError as error:
            return Reply(error.code, dict(error.headers), _json(error.read()))

    def about(self) -> Reply:
        return self._send("GET", "about", auth=False)

    def post(self, statements: Any) -> Reply:
        return self._send("POST", "statements", body=statements)

    def put(self, statement_id: str, statement: dict[str, Any]) -> Reply:
        return self._send("PUT", "statements", params={"statementId": statement_id}, body=statement)

    def get(self, statement_id: str, *, voided: bool = False) -> Reply:
        name = "voidedStatementId" if voided else "statementId"
        return self._send("GET", "statements", params={name: statement_id})

    def void(self, statement_id: str, actor: dict[str, Any]) -> Reply:
        return self.post(
            {
                "id": str(uuid.uuid4()),
                "actor": actor,
                "verb": {
                    "id": "http://adlnet.gov/expapi/verbs/voided",
                    "display": {"en-US": "voided"},
                },
                "object": {"objectType": "StatementRef", "id": statement_id},
            }
        )


def _json(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


def statement(
    *,
    email: str,
    verb: str,
    activity: str,
    result: dict[str, Any] | None = None,
    statement_id: str | None = None,
) -> dict[str, Any]:
    """A statement as an authoring tool writes it (ADL verbs)."""
    body: dict[str, Any] = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}", "name": email},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": "2026-12-01T09:30:00Z",
    }
    if result is not None:
        body["result"] = result
    return body
