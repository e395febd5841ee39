from __future__ import annotations

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorBody


class OrganisationRef(Schema):
    slug: str
    name: str
    roles: list[str]


class MeOut(Schema):
    email: str
    display_name: str
    preferred_language: str
    organisations: list[OrganisationRef]


class MemberOut(Schema):
    id: int
    email: str
    display_name: str
    roles: list[str]
    teams: list[str]
    is_active: bool
