"""django-ninja's body parser, made strict: the core's reader (:func:`parse_json_text`).

Plain ``json.loads`` keeps the last of two equal keys; a credential sent with
``{"name": "FAKE", …, "name": "<real>"}`` would be verified as one thing and read as another.
The core reader refuses duplicate keys, lone surrogates and NaN, naming the JSON path.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser

from microcred.verification.input import parse_json_text


class StrictJsonParser(Parser):
    """Raises the core's :class:`~microcred.errors.InvalidJSON` (ninja answers 400)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], parse_json_text(request.body))
