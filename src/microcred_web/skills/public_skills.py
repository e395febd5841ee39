"""A person's public skills (issue 17 item 3): only the skills they show *public*, with the
level, the verified mark and the evidence that is itself public (credentials they made public
in their wallet). Shown at ``/skills/p/<uuid>/`` while they keep a public wallet profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.urls import reverse

from microcred.skills import current_claims
from microcred.skills.visibility import Viewer, Visibility
from microcred_web.issuing.identity import absolute_url
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation
from microcred_web.skills import selectors
from microcred_web.skills.models import PublicSkillsPage, SkillVisibility
from microcred_web.wallet.models import ImportedCredential, WalletProfile


def public_page_ensure(*, user: Any) -> PublicSkillsPage:
    """The person's page (its address stays the same once made)."""
    page, _created = PublicSkillsPage.objects.get_or_create(user_id=user.pk)
    return page


def public_page_url(*, user: Any) -> str:
    """The page's address when the person has one and shows at least one skill publicly."""
    page = PublicSkillsPage.objects.filter(user_id=user.pk).first()
    shown = SkillVisibility.objects.filter(user_id=user.pk, visibility=Visibility.PUBLIC.value)
    if page is None or not shown.exists():
        return ""
    return reverse("skills:public_person", kwargs={"public_id": page.public_id})


@dataclass(frozen=True)
class PublicEvidence:
    name: str
    issuer: str
    url: str  # the credential's public page ("" for an imported one: it has none here)
    external: bool


@dataclass(frozen=True)
class PublicSkill:
    line: selectors.ProfileLine
    organisation: Organisation
    evidence: list[PublicEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class PublicSkills:
    page: PublicSkillsPage
    profile: WalletProfile
    skills: list[PublicSkill]


def _public_sources(user: Any, sources: set[str]) -> dict[str, PublicEvidence]:
    """{source: evidence} for the credentials among ``sources`` the person made public
    (issued to them and not revoked; imported into their wallet)."""
    ids: dict[str, list[UUID]] = {"credential": [], "imported": []}
    for source in sources:
        prefix, _sep, rest = source.partition(":")
        if prefix in ids:
            try:
                ids[prefix].append(UUID(rest))
            except ValueError:
                continue
    out: dict[str, PublicEvidence] = {}
    issued = Credential.objects.filter(
        public_id__in=ids["credential"],
        recipient_user_id=user.pk,
        is_public=True,
        revoked_at__isnull=True,
    ).select_related("achievement_version", "organisation")
    for credential in issued:
        out[f"credential:{credential.public_id}"] = PublicEvidence(
            name=str(credential.achievement_version.name),
            issuer=credential.organisation.name,
            url=reverse("issuing:credential", kwargs={"public_id": credential.public_id}),
            external=False,
        )
    imported = ImportedCredential.objects.filter(
        public_id__in=ids["imported"], owner_id=user.pk, is_public=True
    )
    for item in imported:
        out[f"imported:{item.public_id}"] = PublicEvidence(
            name=item.name, issuer=item.issuer_name, url="", external=True
        )
    return out


def public_skills_of(*, public_id: Any) -> PublicSkills | None:
    """The page's content, or ``None`` (a 404) when there is no such page or the person has
    no public wallet profile (never made one, or withdrew it)."""
    page = PublicSkillsPage.objects.select_related("user").filter(public_id=public_id).first()
    if page is None:
        return None
    profile = WalletProfile.objects.filter(user_id=page.user_id, handle__isnull=False).first()
    if profile is None or not profile.handle:
        return None
    organisation_ids = set(
        SkillVisibility.objects.filter(
            user_id=page.user_id, visibility=Visibility.PUBLIC.value
        ).values_list("organisation_id", flat=True)
    )
    skills: list[PublicSkill] = []
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("name"):
        lines = selectors.profile_lines(
            organisation=organisation, user=page.user, reach=Viewer.ANYONE
        )
        held = [line for line in lines if line.state.held]
        claims = {line.skill.pk: current_claims(line.state.trail) for line in held}
        found = _public_sources(page.user, {c.source for cs in claims.values() for c in cs})
        for line in held:
            evidence = [found[c.source] for c in claims[line.skill.pk] if c.source in found]
            skills.append(PublicSkill(line, organisation, _distinct(evidence)))
    return PublicSkills(page, profile, skills)


def _distinct(rows: list[PublicEvidence]) -> list[PublicEvidence]:
    seen: dict[tuple[str, str, str], PublicEvidence] = {}
    for row in rows:
        seen.setdefault((row.name, row.issuer, row.url), row)
    return list(seen.values())


def public_skills_json(found: PublicSkills) -> dict[str, Any]:
    """The same content as data (no private field: no e-mail, no internal ids)."""
    return {
        "person": found.page.user.display_name or found.profile.handle,
        "profile": absolute_url(
            reverse("wallet:public_profile", kwargs={"handle": found.profile.handle})
        ),
        "skills": [
            {
                "name": item.line.skill.label,
                "uri": item.line.skill.uri,
                "framework": item.line.skill.framework.name,
                "organisation": item.organisation.name,
                "level": item.line.state.level,
                "levelLabel": item.line.level_label,
                "verified": item.line.state.verified,
                "external": item.line.state.verified and item.line.state.external,
                "evidence": [
                    {
                        "name": e.name,
                        "issuer": e.issuer,
                        "url": absolute_url(e.url) if e.url else "",
                        "external": e.external,
                    }
                    for e in item.evidence
                ],
            }
            for item in found.skills
        ],
    }
