"""The web layer's one error type, mapped to a JSON body for the API and a partial for HTMX."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """An expected failure the user can act on.

    ``code`` is a stable machine-readable identifier (``"invitation_expired"``), ``message`` is
    a human sentence (already translated), ``field`` names the form field or JSON property the
    error is about, if any, and ``status`` is the HTTP status the error maps to.
    """

    def __init__(
        self, code: str, message: str, field: str | None = None, status: int = 400
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.status = status

    def as_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}

    def __repr__(self) -> str:
        return f"ApplicationError({self.code!r}, {self.message!r}, field={self.field!r})"
