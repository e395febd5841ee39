"""Every URL of the site × every role × own / other organisation.

The table must name every URL pattern: a new view without a row fails
``test_every_url_pattern_has_a_row``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ANONYMOUS = "anonymous"
ROLES = ("learner", "manager", "assessor", "issuer", "admin")
PRINCIPALS = (ANONYMOUS, *ROLES)
SCOPES = ("own", "other")
ANY_MEMBER = frozenset(ROLES)


def walk(patterns: list[Any], namespace: str | None = None) -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else str(pattern.name)), pattern


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[Any], dict[str, Any]]
    expect: Callable[[str, str], int]  # (principal, scope) -> status


def org_kwargs(**extra: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"slug": w.org.slug, **{k: f(w) for k, f in extra.items()}}


def org_page(allowed: frozenset[str], ok: int = 200) -> Callable[[str, str], int]:
    """Org-scoped page: anonymous → sign in, outsiders → 404, wrong role → 403."""

    def expect(principal: str, scope: str) -> int:
        if principal == ANONYMOUS:
            return 302
        if scope == "other":
            return 404
        return ok if principal in allowed else 403

    return expect


def site_page(anonymous: int, member: int) -> Callable[[str, str], int]:
    return lambda principal, scope: anonymous if principal == ANONYMOUS else member


def api_org(allowed: frozenset[str]) -> Callable[[str, str], int]:
    def expect(principal: str, scope: str) -> int:
        if principal == ANONYMOUS:
            return 401
        if scope == "other":
            return 404
        return 200 if principal in allowed else 403

    return expect


ADMIN = frozenset({"admin"})
ISSUERS = frozenset({"issuer", "admin"})
LEARNERS = frozenset({"learner"})
REVIEWERS = frozenset({"assessor", "admin"})
OBSERVERS = frozenset({"manager", "assessor", "admin"})
NO_ID: Callable[[Any], Any] = lambda w: 999_999  # noqa: E731
NO_UUID: Callable[[Any], Any] = lambda w: "00000000-0000-4000-8000-000000000000"  # noqa: E731
PUBLIC_VERSION: Callable[[Any], dict[str, Any]] = lambda w: {  # noqa: E731
    "public_id": NO_UUID(w),
    "number": 1,
}
NONE: Callable[[Any], dict[str, Any]] = lambda w: {}  # noqa: E731


def people_import_id(w: Any) -> int:
    """A CSV uploaded in the world's organisation, waiting for its preview."""
    from microcred_web.orgs.models import PeopleImport

    text = "email,role\nnew.person@acme.example,learner\n"
    return int(PeopleImport.objects.create(organisation=w.org, csv_text=text).pk)


def trust_registry_id(w: Any) -> int:
    """A trusted issuer registry of the world's organisation (outsiders ask for it by id)."""
    from microcred_web.trustlists.services import registry_add

    text = '{"type": "IssuerRegistry", "name": "R", "issuers": []}'
    row = registry_add(organisation=w.org, name="R", source_format="microcred", text=text)
    return int(row.pk)


def webhook_endpoint_id(w: Any) -> int:
    """A webhook endpoint of the world's organisation (outsiders ask for it by id)."""
    from microcred_web.webhooks.services import endpoint_create

    endpoint, _secret = endpoint_create(
        organisation=w.org,
        actor=w.people["admin"],
        url="https://93.184.215.14/hooks",
        event_types=["credential.issued"],
    )
    return int(endpoint.pk)


def lti_platform_id(w: Any) -> int:
    """An LMS registered by the world's organisation (outsiders ask for it by id)."""
    from microcred_web.lti.services import platform_create

    platform = platform_create(
        organisation=w.org,
        actor=w.people["admin"],
        values={
            "name": "World LMS",
            "issuer": "https://lms.world.example",
            "client_id": f"client-{w.org.pk}",
            "deployment_ids": ["1"],
            "auth_login_url": "https://lms.world.example/auth",
            "token_url": "https://lms.world.example/token",
            "jwks_url": "https://lms.world.example/jwks",
        },
    )
    return int(platform.pk)


TABLE: dict[str, Row] = {
    "home": Row(NONE, site_page(302, 302)),
    "healthz": Row(NONE, site_page(200, 200)),
    "readyz": Row(NONE, site_page(200, 200)),
    "language_set": Row(NONE, site_page(405, 405)),  # POST only
    "accounts:sign_in": Row(NONE, site_page(200, 302)),
    "accounts:sign_out": Row(NONE, site_page(405, 405)),  # POST only
    "accounts:profile": Row(NONE, site_page(302, 200)),
    "accounts:password_reset": Row(NONE, site_page(200, 200)),
    "accounts:password_reset_done": Row(NONE, site_page(200, 200)),
    "accounts:password_reset_confirm": Row(
        lambda w: {"uidb64": "MQ", "token": "bad-token"}, site_page(200, 200)
    ),
    "accounts:password_reset_complete": Row(NONE, site_page(200, 200)),
    # second factor and sessions: one's own only (POST-only: 405 once signed in); the code
    # step and the one-time recovery codes page send those with nothing to do there onwards
    "mfa:overview": Row(NONE, site_page(302, 200)),
    "mfa:enrol": Row(NONE, site_page(302, 200)),
    "mfa:remove": Row(NONE, site_page(302, 405)),
    "mfa:recovery_codes": Row(NONE, site_page(302, 302)),
    "mfa:recovery_codes_regenerate": Row(NONE, site_page(302, 405)),
    "mfa:verify": Row(NONE, site_page(302, 302)),
    "mfa:sessions": Row(NONE, site_page(302, 200)),
    "mfa:session_end": Row(lambda w: {"pk": 999_999}, site_page(302, 405)),
    "mfa:sessions_end_others": Row(NONE, site_page(302, 405)),
    "mfa:org_policy": Row(org_kwargs(), org_page(ADMIN)),
    "invitation_accept": Row(lambda w: {"link_token": "forged:token"}, site_page(404, 404)),
    "orgs:dashboard": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "orgs:logo": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "orgs:learning": Row(org_kwargs(), org_page(frozenset({"learner"}), ok=302)),
    "orgs:my_team": Row(org_kwargs(), org_page(frozenset({"manager"}), ok=302)),
    "orgs:assessments": Row(org_kwargs(), org_page(frozenset({"assessor"}), ok=302)),
    "orgs:issuing": Row(org_kwargs(), org_page(frozenset({"issuer"}), ok=302)),
    "orgs:people": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:invite": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:people_import": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:people_import_preview": Row(org_kwargs(import_id=people_import_id), org_page(ADMIN)),
    "orgs:people_import_apply": Row(org_kwargs(import_id=NO_ID), org_page(ADMIN, ok=405)),
    "orgs:person": Row(org_kwargs(membership_id=lambda w: w.membership.pk), org_page(ADMIN)),
    "orgs:person_deactivate": Row(
        org_kwargs(membership_id=lambda w: w.membership.pk), org_page(ADMIN, ok=405)
    ),
    "orgs:person_reactivate": Row(
        org_kwargs(membership_id=lambda w: w.membership.pk), org_page(ADMIN, ok=405)
    ),
    "orgs:invitation_revoke": Row(
        org_kwargs(invitation_id=lambda w: w.invitation_id), org_page(ADMIN, ok=405)
    ),
    "orgs:teams": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:team_new": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:team_edit": Row(org_kwargs(team_id=lambda w: w.team.pk), org_page(ADMIN)),
    "orgs:team_members_add": Row(org_kwargs(team_id=lambda w: w.team.pk), org_page(ADMIN, ok=405)),
    "orgs:team_members_remove": Row(
        org_kwargs(team_id=lambda w: w.team.pk), org_page(ADMIN, ok=405)
    ),
    "orgs:team_members_paste": Row(
        org_kwargs(team_id=lambda w: w.team.pk), org_page(ADMIN, ok=405)
    ),
    "orgs:team_delete": Row(org_kwargs(team_id=lambda w: w.team.pk), org_page(ADMIN, ok=405)),
    "orgs:settings": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:audit": Row(org_kwargs(), org_page(ADMIN)),
    "orgs:audit_export": Row(org_kwargs(), org_page(ADMIN)),
    "api-v1:api-root": Row(NONE, site_page(404, 404)),
    "api-v1:openapi-json": Row(NONE, site_page(200, 200)),
    "api-v1:openapi-view": Row(NONE, site_page(200, 200)),
    "api-v1:me": Row(NONE, site_page(401, 200)),
    "api-v1:members": Row(org_kwargs(), api_org(ADMIN)),
    # achievements and issuing (unknown ids: allowed roles reach the view and get 404)
    "achievements:list": Row(org_kwargs(), org_page(ISSUERS)),
    "achievements:new": Row(org_kwargs(), org_page(ISSUERS)),
    "achievements:alignment_row": Row(org_kwargs(), org_page(ISSUERS)),
    "achievements:detail": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=404)),
    "achievements:edit": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=404)),
    "achievements:image": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=404)),
    "achievements:publish": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=405)),
    "achievements:archive": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=405)),
    "achievements:public": Row(PUBLIC_VERSION, site_page(404, 404)),
    "achievements:public_image": Row(PUBLIC_VERSION, site_page(404, 404)),
    "issuing:list": Row(org_kwargs(), org_page(ISSUERS)),
    "issuing:issue": Row(org_kwargs(), org_page(ISSUERS)),
    "issuing:bulk_status": Row(org_kwargs(), org_page(ISSUERS, ok=405)),
    "issuing:detail": Row(org_kwargs(public_id=NO_UUID), org_page(ISSUERS, ok=404)),
    "issuing:status": Row(org_kwargs(public_id=NO_UUID), org_page(ISSUERS, ok=405)),
    "issuing:resend": Row(org_kwargs(public_id=NO_UUID), org_page(ISSUERS, ok=405)),
    "issuing:reissue": Row(org_kwargs(public_id=NO_UUID), org_page(ISSUERS, ok=405)),
    "issuing:settings": Row(org_kwargs(), org_page(ADMIN)),
    "issuing:key_rotate": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "issuing:key_compromise": Row(org_kwargs(key_id=NO_ID), org_page(ADMIN, ok=404)),
    "issuing:api_keys": Row(org_kwargs(), org_page(ADMIN)),
    "issuing:api_key_revoke": Row(org_kwargs(api_key_id=NO_ID), org_page(ADMIN, ok=405)),
    "issuing:org_client_delete": Row(org_kwargs(client_id=NO_ID), org_page(ADMIN, ok=405)),
    # public issuer documents and credentials (no credentials issued in this world: 404)
    "host_did_json": Row(NONE, site_page(200, 200)),
    # the project's JSON-LD contexts, served as published documents (decision 0022)
    "context_index": Row(NONE, site_page(200, 200)),
    "context": Row(lambda w: {"name": "eu-microcredential/v1"}, site_page(200, 200)),
    "issuing:did_json": Row(org_kwargs(), site_page(404, 404)),
    "issuing:issuer_profile": Row(org_kwargs(), site_page(200, 200)),
    "issuing:issuer_logo": Row(org_kwargs(), site_page(200, 200)),
    "issuing:status_list": Row(
        org_kwargs(purpose=lambda w: "revocation", number=lambda w: 1), site_page(404, 404)
    ),
    "issuing:credential": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "issuing:credential_json": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "issuing:credential_jwt": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "issuing:credential_embed": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "issuing:claim": Row(lambda w: {"token": "forged"}, site_page(404, 404)),
    "notifications:unsubscribe": Row(lambda w: {"token": "forged"}, site_page(404, 404)),
    "assessments:referee": Row(lambda w: {"token": "forged"}, site_page(404, 404)),
    "issuing:my_credentials": Row(NONE, site_page(302, 302)),  # → the wallet
    # the learner's wallet (signed in, not organisation-scoped; unknown ids: 404; POST only: 405)
    "wallet:home": Row(NONE, site_page(302, 200)),
    "wallet:did_json": Row(NONE, site_page(200, 200)),
    "wallet:import": Row(NONE, site_page(302, 200)),
    "wallet:profile": Row(NONE, site_page(302, 200)),
    "wallet:clr": Row(NONE, site_page(302, 200)),
    "wallet:credential": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 404)),
    "wallet:visibility": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:evidence": Row(lambda w: {"public_id": NO_UUID(w), "index": 0}, site_page(302, 405)),
    "wallet:email": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:linkedin": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 404)),
    "wallet:share_event": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:share_link_create": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:share_link_revoke": Row(lambda w: {"link_id": 999_999}, site_page(302, 405)),
    "wallet:imported": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 404)),
    "ob3client:hosts": Row(NONE, site_page(302, 200)),
    "ob3client:callback": Row(NONE, site_page(302, 302)),  # no such request: back to the list
    "ob3client:host": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 404)),
    "ob3client:send": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "ob3client:receive": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "ob3client:disconnect": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:imported_visibility": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:imported_recheck": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:imported_delete": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(302, 405)),
    "wallet:public_profile": Row(lambda w: {"handle": "nobody-here"}, site_page(404, 404)),
    "wallet:shared": Row(lambda w: {"token": "forged"}, site_page(404, 404)),
    "wallet:insights": Row(org_kwargs(), org_page(ISSUERS)),
    # wallet apps (OpenID4VCI, VC-API exchanges): public metadata; the machine endpoints are
    # POST only and check the secret they are given; the holder's QR page is theirs alone
    "wallet_protocols:issuer_metadata": Row(org_kwargs(), site_page(200, 200)),
    "wallet_protocols:server_metadata": Row(org_kwargs(), site_page(200, 200)),
    "wallet_protocols:offer": Row(org_kwargs(secret=lambda w: "forged"), site_page(404, 404)),
    "wallet_protocols:token": Row(org_kwargs(), site_page(405, 405)),
    "wallet_protocols:nonce": Row(org_kwargs(), site_page(405, 405)),
    "wallet_protocols:credential": Row(org_kwargs(), site_page(405, 405)),
    "wallet_protocols:exchange": Row(lambda w: {"exchange_id": "forged"}, site_page(404, 404)),
    "wallet_protocols:add_to_wallet_app": Row(
        lambda w: {"public_id": NO_UUID(w)}, site_page(302, 404)
    ),
    "wallet_protocols:request_page": Row(NONE, site_page(200, 200)),
    "wallet_protocols:request_result": Row(lambda w: {"exchange_pk": 999_999}, site_page(404, 404)),
    # bulk issuance (no job in this world: 404 for those allowed in; start is POST only)
    "bulk:upload": Row(org_kwargs(), org_page(ISSUERS)),
    "bulk:columns": Row(org_kwargs(job_id=NO_ID), org_page(ISSUERS, ok=404)),
    "bulk:preview": Row(org_kwargs(job_id=NO_ID), org_page(ISSUERS, ok=404)),
    "bulk:start": Row(org_kwargs(job_id=NO_ID), org_page(ISSUERS, ok=405)),
    "bulk:progress": Row(org_kwargs(job_id=NO_ID), org_page(ISSUERS, ok=404)),
    "bulk:report": Row(org_kwargs(job_id=NO_ID), org_page(ISSUERS, ok=404)),
    "bulk:reissue": Row(org_kwargs(job_id=NO_ID), org_page(ISSUERS, ok=405)),
    # learning: authoring (issuers and admins), records (admins), learners (any member),
    # managers; unknown ids reach the view and get 404, POST-only views answer GET with 405
    "learning:course_list": Row(org_kwargs(), org_page(ISSUERS)),
    "learning:course_new": Row(org_kwargs(), org_page(ISSUERS)),
    "learning:course_detail": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:course_edit": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:course_publish": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=405)),
    "learning:course_preview": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:course_versions": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:course_version_rollback": Row(
        org_kwargs(course_id=NO_ID, number=lambda w: 1), org_page(ISSUERS, ok=405)
    ),
    "learning:module_new": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=405)),
    "learning:module_edit": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID), org_page(ISSUERS, ok=404)
    ),
    "learning:module_move": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID), org_page(ISSUERS, ok=405)
    ),
    "learning:module_delete": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID), org_page(ISSUERS, ok=405)
    ),
    "learning:block_new": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID, kind=lambda w: "text"),
        org_page(ISSUERS, ok=404),
    ),
    "learning:block_reorder": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID), org_page(ISSUERS, ok=405)
    ),
    "learning:block_edit": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID, block_id=NO_ID), org_page(ISSUERS, ok=404)
    ),
    "learning:block_move": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID, block_id=NO_ID), org_page(ISSUERS, ok=405)
    ),
    "learning:block_delete": Row(
        org_kwargs(course_id=NO_ID, module_id=NO_ID, block_id=NO_ID), org_page(ISSUERS, ok=405)
    ),
    "learning:quiz_new": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:quiz_edit": Row(
        org_kwargs(course_id=NO_ID, quiz_id=NO_ID), org_page(ISSUERS, ok=404)
    ),
    "learning:question_new": Row(
        org_kwargs(course_id=NO_ID, quiz_id=NO_ID, kind=lambda w: "single"),
        org_page(ISSUERS, ok=404),
    ),
    "learning:question_edit": Row(
        org_kwargs(course_id=NO_ID, quiz_id=NO_ID, question_id=NO_ID), org_page(ISSUERS, ok=404)
    ),
    "learning:question_delete": Row(
        org_kwargs(course_id=NO_ID, quiz_id=NO_ID, question_id=NO_ID), org_page(ISSUERS, ok=405)
    ),
    "learning:translations": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:xliff_export": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "learning:translate_machine": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=405)),
    "learning:translation_review": Row(
        org_kwargs(course_id=NO_ID, language=lambda w: "es"), org_page(ISSUERS, ok=404)
    ),
    "learning:machine_service": Row(org_kwargs(), org_page(ADMIN)),
    "learning:course_records_export": Row(org_kwargs(course_id=NO_ID), org_page(ADMIN, ok=404)),
    "learning:person_records_export": Row(
        org_kwargs(membership_id=lambda w: w.membership.pk), org_page(ADMIN)
    ),
    "learning:records_import": Row(org_kwargs(), org_page(ADMIN)),
    "learning:mine": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "learning:enrol": Row(org_kwargs(course_id=NO_ID), org_page(ANY_MEMBER, ok=405)),
    "learning:player": Row(org_kwargs(enrolment_id=NO_ID), org_page(ANY_MEMBER, ok=404)),
    "learning:module_complete": Row(
        org_kwargs(enrolment_id=NO_ID, module_key=lambda w: "abc"), org_page(ANY_MEMBER, ok=405)
    ),
    "learning:quiz_start": Row(
        org_kwargs(enrolment_id=NO_ID, quiz_id=NO_UUID), org_page(ANY_MEMBER, ok=405)
    ),
    "learning:attempt_submit": Row(
        org_kwargs(enrolment_id=NO_ID, attempt_id=NO_ID), org_page(ANY_MEMBER, ok=405)
    ),
    "learning:team": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "learning:team_export": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "learning:assign": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "learning:media": Row(org_kwargs(public_id=NO_UUID), org_page(ANY_MEMBER, ok=404)),
    # award rules (unknown achievement: allowed roles reach the view and get 404)
    "awards:builder": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=404)),
    "awards:edit": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=405)),
    "awards:enable": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=405)),
    "awards:preview": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=404)),
    "awards:mine": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "awards:mine_partial": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "awards:team": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    # skills (editors search and align; admins import and define roles; any member sees their
    # own profile and gaps; managers the team matrix; unknown ids: 404; POST only: 405)
    "skills:home": Row(org_kwargs(), org_page(ISSUERS)),
    "skills:import_case": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:import_esco": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:import_esco_package": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:skill_new": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:group_save": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:roles": Row(org_kwargs(), org_page(ADMIN)),
    "skills:role": Row(org_kwargs(role_id=NO_ID), org_page(ADMIN, ok=404)),
    "skills:person_role": Row(org_kwargs(user_id=NO_ID), org_page(ADMIN, ok=405)),
    "skills:mine": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "skills:gaps": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "skills:mine_export": Row(org_kwargs(fmt=lambda w: "json"), org_page(ANY_MEMBER)),
    "skills:skill_credential_claim": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "skills:team": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "skills:team_export": Row(
        org_kwargs(fmt=lambda w: "csv"), org_page(frozenset({"manager", "admin"}))
    ),
    "skills:alignments": Row(org_kwargs(achievement_id=NO_ID), org_page(ISSUERS, ok=404)),
    "skills:public": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    # a person's public skills page: anyone; 404 without a page or a public wallet profile
    "skills:public_person": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "skills:public_person_json": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    # skills recommendations, training needs, career paths (any member: their own; managers:
    # their teams; admins: role links); the skills API is Bearer-key only
    "skills:recommended": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "skills:recommendation_dismiss": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "skills:explore": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "skills:team_recommended": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "skills:recommendation_assign": Row(
        org_kwargs(), org_page(frozenset({"manager", "admin"}), ok=405)
    ),
    "skills:training_needs": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "skills:training_needs_export": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "skills:mobility": Row(org_kwargs(), org_page(frozenset({"manager", "admin"}))),
    "skills:role_paths": Row(org_kwargs(), org_page(ADMIN)),
    "skills:role_link_delete": Row(org_kwargs(link_id=NO_ID), org_page(ADMIN, ok=405)),
    # career steps suggested from ESCO: administrators accept, hide, seed again (POST)
    "skills:role_suggestions_seed": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:role_suggestion_accept": Row(org_kwargs(suggestion_id=NO_ID), org_page(ADMIN, ok=405)),
    "skills:role_suggestion_hide": Row(org_kwargs(suggestion_id=NO_ID), org_page(ADMIN, ok=405)),
    # self-assessment, visibility, endorsements (any member, their own or addressed to them),
    # a person's skills as the viewer may see them; manager ratings (managers, admins)
    "skills:mine_rate": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "skills:mine_visibility": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "skills:endorsements": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "skills:endorsement_ask": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "skills:endorsement_answer": Row(org_kwargs(request_id=NO_ID), org_page(ANY_MEMBER, ok=405)),
    "skills:person": Row(org_kwargs(user_id=NO_ID), org_page(ANY_MEMBER, ok=404)),
    "skills:person_rate": Row(
        org_kwargs(user_id=NO_ID), org_page(frozenset({"manager", "admin"}), ok=405)
    ),
    # proficiency scales, mappings, a skill's descriptors, roles in bulk (administrators)
    "skills:scales": Row(org_kwargs(), org_page(ADMIN)),
    "skills:scale": Row(org_kwargs(scale_id=NO_ID), org_page(ADMIN, ok=404)),
    "skills:scale_default": Row(org_kwargs(scale_id=NO_ID), org_page(ADMIN, ok=405)),
    "skills:scale_delete": Row(org_kwargs(scale_id=NO_ID), org_page(ADMIN, ok=405)),
    "skills:scale_mapping": Row(
        org_kwargs(scale_id=NO_ID, target_id=NO_ID), org_page(ADMIN, ok=404)
    ),
    "skills:skill_levels": Row(org_kwargs(skill_id=NO_ID), org_page(ADMIN, ok=404)),
    "skills:roles_bulk": Row(org_kwargs(), org_page(ADMIN)),
    "skills:roles_export": Row(org_kwargs(), org_page(ADMIN)),
    # skills of courses and questions (authors) and rubric criteria (admins); other orgs' 404
    "skills:course_skills": Row(org_kwargs(course_id=NO_ID), org_page(ISSUERS, ok=404)),
    "skills:question_skills": Row(org_kwargs(question_id=NO_ID), org_page(ISSUERS, ok=404)),
    "skills:criterion_skills": Row(org_kwargs(criterion_id=NO_ID), org_page(ADMIN, ok=404)),
    # crosswalks (issuers and admins read and export, admins decide), a skill's page
    "skills:skill": Row(org_kwargs(skill_id=NO_ID), org_page(ISSUERS, ok=404)),
    "skills:crosswalks": Row(org_kwargs(), org_page(ISSUERS)),
    "skills:crosswalk_propose": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:crosswalk_decide": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:crosswalk_add": Row(org_kwargs(), org_page(ADMIN, ok=405)),
    "skills:crosswalk_export": Row(org_kwargs(fmt=lambda w: "csv"), org_page(ISSUERS)),
    "api-v1:skills_profile": Row(org_kwargs(member_id=NO_ID), site_page(401, 401)),
    "api-v1:skills_gaps": Row(org_kwargs(member_id=NO_ID), site_page(401, 401)),
    "api-v1:skills_recommendations": Row(org_kwargs(member_id=NO_ID), site_page(401, 401)),
    # pathways: the catalogue and pathway pages are public; the rest org_view
    "pathways:catalogue": Row(org_kwargs(), site_page(200, 200)),
    "pathways:detail": Row(org_kwargs(public_id=NO_UUID), site_page(404, 404)),
    "pathways:mine": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "pathways:enrol": Row(org_kwargs(public_id=NO_UUID), org_page(ANY_MEMBER, ok=405)),
    "pathways:map": Row(org_kwargs(public_id=NO_UUID), org_page(ANY_MEMBER, ok=404)),
    "pathways:manage": Row(org_kwargs(), org_page(ISSUERS)),
    "pathways:editor": Row(org_kwargs(pathway_id=NO_ID), org_page(ISSUERS, ok=404)),
    "pathways:edit": Row(org_kwargs(pathway_id=NO_ID), org_page(ISSUERS, ok=405)),
    "pathways:publish": Row(org_kwargs(pathway_id=NO_ID), org_page(ISSUERS, ok=405)),
    "pathways:reports": Row(org_kwargs(), org_page(frozenset({"issuer", "manager", "admin"}))),
    "pathways:report": Row(
        org_kwargs(pathway_id=NO_ID), org_page(frozenset({"issuer", "manager", "admin"}), ok=404)
    ),
    "pathways:report_csv": Row(
        org_kwargs(pathway_id=NO_ID), org_page(frozenset({"issuer", "manager", "admin"}), ok=404)
    ),
    "pathways:assign": Row(
        org_kwargs(pathway_id=NO_ID), org_page(frozenset({"manager", "admin"}), ok=405)
    ),
    "pathways:migrate": Row(org_kwargs(pathway_id=NO_ID), org_page(ADMIN, ok=404)),
    "pathways:recognitions": Row(org_kwargs(pathway_id=NO_ID), org_page(ISSUERS, ok=405)),
    # certificate and badge downloads (public, like the credential page)
    "rendering:certificate": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "rendering:badge_png": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "rendering:badge_svg": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    # API-key (Bearer) endpoints: a browser session is not enough
    "api-v1:achievements": Row(org_kwargs(), site_page(401, 401)),
    "api-v1:credentials_issue": Row(org_kwargs(), site_page(405, 405)),
    "api-v1:credential_get": Row(org_kwargs(public_id=NO_UUID), site_page(401, 401)),
    "api-v1:credential_revoke": Row(org_kwargs(public_id=NO_UUID), site_page(405, 405)),
    "api-v1:credential_suspend": Row(org_kwargs(public_id=NO_UUID), site_page(405, 405)),
    "api-v1:credential_unsuspend": Row(org_kwargs(public_id=NO_UUID), site_page(405, 405)),
    "api-v1:delivery_bounce": Row(NONE, site_page(405, 405)),  # POST only, Bearer key
    # assessments (unknown ids: allowed roles reach the view and get 404; POST-only: 405)
    "assessments:my_evidence": Row(org_kwargs(), org_page(LEARNERS)),
    "assessments:evidence_start": Row(org_kwargs(requirement_id=NO_ID), org_page(LEARNERS, ok=405)),
    "assessments:evidence_detail": Row(org_kwargs(assessment_id=NO_ID), org_page(LEARNERS, ok=404)),
    "assessments:evidence_upload": Row(org_kwargs(assessment_id=NO_ID), org_page(LEARNERS, ok=405)),
    "assessments:evidence_file_remove": Row(
        org_kwargs(assessment_id=NO_ID, file_id=NO_ID), org_page(LEARNERS, ok=405)
    ),
    "assessments:evidence_dispute": Row(
        org_kwargs(assessment_id=NO_ID), org_page(LEARNERS, ok=405)
    ),
    "assessments:evidence_countersign": Row(
        org_kwargs(assessment_id=NO_ID), org_page(LEARNERS, ok=405)
    ),
    "assessments:evidence_file": Row(org_kwargs(file_id=NO_UUID), org_page(ANY_MEMBER, ok=404)),
    "assessments:queue": Row(org_kwargs(), org_page(REVIEWERS)),
    "assessments:review": Row(org_kwargs(assessment_id=NO_ID), org_page(REVIEWERS, ok=404)),
    "assessments:assign": Row(org_kwargs(assessment_id=NO_ID), org_page(REVIEWERS, ok=405)),
    "assessments:moderate": Row(org_kwargs(assessment_id=NO_ID), org_page(REVIEWERS, ok=405)),
    "assessments:moderation_request": Row(org_kwargs(assessment_id=NO_ID), org_page(ADMIN, ok=405)),
    "assessments:requirements": Row(org_kwargs(), org_page(ADMIN)),
    "assessments:requirement": Row(org_kwargs(requirement_id=NO_ID), org_page(ADMIN, ok=404)),
    "assessments:policy": Row(org_kwargs(), org_page(ADMIN)),
    "assessments:observation": Row(org_kwargs(), org_page(OBSERVERS)),
    "assessments:team_expiries": Row(org_kwargs(), org_page(frozenset({"manager"}))),
    "assessments:expiry_assign_refresher": Row(
        org_kwargs(credential_id=NO_ID), org_page(frozenset({"manager"}), ok=405)
    ),
    "assessments:expiry_send_nudge": Row(
        org_kwargs(credential_id=NO_ID), org_page(frozenset({"manager"}), ok=405)
    ),
    "assessments:public_evidence": Row(lambda w: {"public_id": NO_UUID(w)}, site_page(404, 404)),
    "notifications:list": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "notifications:read": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "notifications:preferences": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "vc-api:api-root": Row(NONE, site_page(404, 404)),
    "vc-api:vc_issue": Row(NONE, site_page(405, 405)),
    "vc-api:openapi-json": Row(NONE, site_page(200, 200)),
    "vc-api:openapi-view": Row(NONE, site_page(200, 200)),
    "vc-api-presentations:openapi-json": Row(NONE, site_page(200, 200)),
    "vc-api-presentations:openapi-view": Row(NONE, site_page(200, 200)),
    "vc-api:vc_verify": Row(NONE, site_page(405, 405)),
    "vc-api-presentations:api-root": Row(NONE, site_page(404, 404)),
    "vc-api-presentations:vp_verify": Row(NONE, site_page(405, 405)),
    # first-run setup (gone: this world has organisations) and the operator console
    # (instance operators only: every member, admins included, is refused; POST-only: 405)
    "instance:setup": Row(NONE, site_page(404, 404)),
    "instance:console": Row(NONE, site_page(302, 403)),
    "instance:organisation_new": Row(NONE, site_page(302, 403)),
    "instance:organisation": Row(org_kwargs(), site_page(302, 403)),
    "instance:suspend": Row(org_kwargs(), site_page(405, 405)),
    "instance:unsuspend": Row(org_kwargs(), site_page(405, 405)),
    "instance:export": Row(org_kwargs(), site_page(405, 405)),
    "instance:delete": Row(org_kwargs(), site_page(405, 405)),
    "instance:impersonate": Row(org_kwargs(), site_page(405, 405)),
    "instance:impersonation_stop": Row(NONE, site_page(405, 405)),
    # OAuth 2.0 authorization server: the consent page needs a signed-in person (a bare GET
    # lacks client_id: 400); token, revocation and registration are POST only; introspection
    # needs the client's own credentials; connected apps are the signed-in person's own
    "oauth:authorize": Row(NONE, site_page(302, 400)),
    "oauth_server_metadata": Row(NONE, site_page(200, 200)),
    "oauth:token": Row(NONE, site_page(405, 405)),
    "oauth:revoke": Row(NONE, site_page(405, 405)),
    "oauth:introspect": Row(NONE, site_page(403, 403)),
    "oauth:register": Row(NONE, site_page(405, 405)),
    "oauth:connected_apps": Row(NONE, site_page(302, 200)),
    "oauth:connected_app_revoke": Row(lambda w: {"application_id": 999_999}, site_page(302, 405)),
    # the OB 3.0 API: OAuth bearer tokens only (a browser session is not enough: 401 for
    # everyone); discovery is public. Per-scope, per-person access: tests/web/ob3/
    "ob3:api-root": Row(NONE, site_page(404, 404)),
    "ob3:discovery": Row(NONE, site_page(200, 200)),
    "ob3:openapi-json": Row(NONE, site_page(200, 200)),
    "ob3:openapi-view": Row(NONE, site_page(200, 200)),
    "ob3:credentials": Row(NONE, site_page(401, 401)),
    "ob3:upsert_credential": Row(NONE, site_page(401, 401)),  # same URL as credentials
    "ob3:profile": Row(NONE, site_page(401, 401)),
    "ob3:put_profile": Row(NONE, site_page(401, 401)),  # same URL as profile
    # transparency log: public by design (no personal data); no log yet in this world
    "transparency:checkpoint": Row(org_kwargs(), site_page(200, 200)),  # creates the log
    "transparency:key": Row(org_kwargs(), site_page(404, 404)),
    "transparency:tile": Row(org_kwargs(path=lambda w: "0/000"), site_page(404, 404)),
    "transparency:proof": Row(org_kwargs(public_id=NO_UUID), site_page(404, 404)),
    "transparency:consistency": Row(org_kwargs(), site_page(404, 404)),
    # trusted issuer registries: administrators; the published registry is public (404: none)
    "trustlists:list": Row(org_kwargs(), org_page(ADMIN)),
    "trustlists:publish": Row(org_kwargs(registry_id=trust_registry_id), org_page(ADMIN, ok=405)),
    "trustlists:delete": Row(org_kwargs(registry_id=trust_registry_id), org_page(ADMIN, ok=405)),
    "trustlists:published": Row(org_kwargs(), site_page(404, 404)),
    # webhooks: organisation administrators only (POST-only: 405)
    "webhooks:list": Row(org_kwargs(), org_page(ADMIN)),
    "webhooks:new": Row(org_kwargs(), org_page(ADMIN)),
    "webhooks:detail": Row(org_kwargs(endpoint_id=webhook_endpoint_id), org_page(ADMIN)),
    "webhooks:edit": Row(org_kwargs(endpoint_id=webhook_endpoint_id), org_page(ADMIN)),
    "webhooks:rotate": Row(org_kwargs(endpoint_id=webhook_endpoint_id), org_page(ADMIN, ok=405)),
    "webhooks:test": Row(org_kwargs(endpoint_id=webhook_endpoint_id), org_page(ADMIN, ok=405)),
    "webhooks:delete": Row(org_kwargs(endpoint_id=webhook_endpoint_id), org_page(ADMIN, ok=405)),
    "webhooks:redeliver": Row(
        org_kwargs(endpoint_id=webhook_endpoint_id, delivery_id=NO_ID), org_page(ADMIN, ok=405)
    ),
    # single sign-on: settings for administrators; the sign-in round trip is public (this
    # world's organisation has no connection: 404)
    "sso:settings": Row(org_kwargs(), org_page(ADMIN)),
    "sso:find": Row(NONE, site_page(200, 200)),
    "sso:login": Row(org_kwargs(), site_page(404, 404)),
    "sso:callback": Row(org_kwargs(), site_page(404, 404)),
    # SCIM: the token page is for administrators (revoke is POST only); the SCIM service
    # answers only a SCIM bearer token (a browser session gets 401). Per-organisation
    # scoping of tokens: tests/web/scim/test_groups_and_tokens.py
    "scim:tokens": Row(org_kwargs(), org_page(ADMIN)),
    "scim:revoke": Row(org_kwargs(token_id=NO_ID), org_page(ADMIN, ok=405)),
    "scim:service_provider_config": Row(NONE, site_page(401, 401)),
    "scim:resource_types": Row(NONE, site_page(401, 401)),
    "scim:resource_type": Row(lambda w: {"name": "User"}, site_page(401, 401)),
    "scim:schemas": Row(NONE, site_page(401, 401)),
    "scim:schema": Row(lambda w: {"schema_id": "urn:x"}, site_page(401, 401)),
    "scim:collection": Row(lambda w: {"kind": "Users"}, site_page(401, 401)),
    "scim:search": Row(lambda w: {"kind": "Users"}, site_page(401, 401)),
    "scim:search_all": Row(NONE, site_page(401, 401)),
    "scim:resource": Row(
        lambda w: {"kind": "Users", "resource_id": NO_UUID(w)}, site_page(401, 401)
    ),
    "scim:unknown": Row(lambda w: {"rest": "Other"}, site_page(401, 401)),
    # LTI 1.3: the tool endpoints platforms call (a login without parameters: 400; the
    # launch is POST only; a deep linking picker needs a launch in this session: 404), and
    # the registrations, for organisation administrators only
    "lti:jwks": Row(NONE, site_page(200, 200)),
    "lti:login": Row(NONE, site_page(400, 400)),
    "lti:launch": Row(NONE, site_page(405, 405)),
    "lti:deep_link_pick": Row(lambda w: {"token": "none"}, site_page(404, 404)),
    "lti:platforms": Row(org_kwargs(), org_page(ADMIN)),
    "lti:platform_new": Row(org_kwargs(), org_page(ADMIN)),
    "lti:register": Row(org_kwargs(), org_page(ADMIN, ok=400)),  # opened by an LMS only
    "lti:platform": Row(org_kwargs(platform_id=lti_platform_id), org_page(ADMIN)),
    "lti:platform_edit": Row(org_kwargs(platform_id=lti_platform_id), org_page(ADMIN)),
    "lti:roster_sync": Row(
        org_kwargs(platform_id=lti_platform_id, link_id=NO_ID), org_page(ADMIN, ok=405)
    ),
    # xAPI: the clients page is for administrators (revoke is POST only); the statement
    # resource wants the version header first (400), then a client's Basic credentials
    # (cross-organisation scoping: tests/web/xapi/test_statements.py); About is public
    "xapi:clients": Row(org_kwargs(), org_page(ADMIN)),
    "xapi:revoke": Row(org_kwargs(client_id=NO_ID), org_page(ADMIN, ok=405)),
    "xapi:statements": Row(NONE, site_page(400, 400)),
    "xapi:about": Row(NONE, site_page(200, 200)),
    # calendars: every member has their own feed page (POST-only actions: 405); the feed
    # itself is reached by its secret address only (an unknown one: 404)
    "calendars:page": Row(org_kwargs(), org_page(ANY_MEMBER)),
    "calendars:new": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "calendars:revoke": Row(org_kwargs(), org_page(ANY_MEMBER, ok=405)),
    "calendars:feed": Row(lambda w: {"token": "not-a-feed"}, site_page(404, 404)),
    # reports: the builder, saved reports and downloads (issuers and admins; POST-only: 405);
    # dashboards also for managers (their teams only: tests/web/reports/)
    "reports:builder": Row(org_kwargs(), org_page(ISSUERS)),
    "reports:dashboard": Row(org_kwargs(), org_page(frozenset({"issuer", "manager", "admin"}))),
    "reports:save": Row(org_kwargs(), org_page(ISSUERS, ok=405)),
    "reports:download": Row(org_kwargs(fmt=lambda w: "csv"), org_page(ISSUERS)),
    "reports:saved": Row(org_kwargs(report_id=NO_ID), org_page(ISSUERS, ok=404)),
    "reports:delete": Row(org_kwargs(report_id=NO_ID), org_page(ISSUERS, ok=405)),
    "reports:saved_download": Row(
        org_kwargs(report_id=NO_ID, fmt=lambda w: "xlsx"), org_page(ISSUERS, ok=404)
    ),
    "api-v1:reports_run": Row(org_kwargs(), site_page(401, 401)),
    "api-v1:reports_saved": Row(org_kwargs(report_id=NO_ID), site_page(401, 401)),
    # public verification: anyone (the API is POST only)
    "verifier:page": Row(NONE, site_page(200, 200)),
    "verifier:api": Row(NONE, site_page(405, 405)),
}


def test_every_url_pattern_has_a_row() -> None:
    names = {name for name, _pattern in walk(get_resolver().url_patterns)}
    assert names == set(TABLE), (
        f"missing rows: {sorted(names - set(TABLE))}; stale rows: {sorted(set(TABLE) - names)}"
    )


def test_every_org_view_checks_membership_and_roles() -> None:
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("orgs:"):
            assert hasattr(pattern.callback, "org_access"), f"{name} is not wrapped by org_view"


# An anonymous visitor belongs to no organisation: only the "own" scope applies.
CASES = [
    (url_name, principal, scope)
    for url_name in sorted(TABLE)
    for principal in PRINCIPALS
    for scope in SCOPES
    if not (principal == ANONYMOUS and scope == "other")
]


@pytest.mark.parametrize(("url_name", "principal", "scope"), CASES)
def test_access(client, world, url_name: str, principal: str, scope: str) -> None:
    row = TABLE[url_name]
    if principal != ANONYMOUS:
        people = world.people if scope == "own" else world.others
        client.force_login(people[principal])
    url = reverse(url_name, kwargs=row.kwargs(world))
    response = client.get(url)
    assert response.status_code == row.expect(principal, scope), (
        f"GET {url} as {principal} ({scope} organisation)"
    )
    if response.status_code == 404 and url_name.startswith("orgs:"):
        assert world.org.name.encode() not in response.content  # the org does not leak
