"""Demo: one warehouse operative shows his verified skills publicly, on a public wallet
profile, so the public skills page has something to show (loading twice changes nothing)."""

from __future__ import annotations

from microcred.skills import EvidenceKind
from microcred_web.accounts.models import User
from microcred_web.orgs.models import Organisation
from microcred_web.skills.models import PublicSkillsPage, SkillEvidence, SkillVisibility
from microcred_web.wallet.models import WalletProfile

PUBLIC_PERSON = "bjorn.andersson@northwind.example"
PUBLIC_HANDLE = "bjorn-andersson"


def demo_public_skills(*, organisation: Organisation) -> None:
    user = User.objects.filter(email=PUBLIC_PERSON).first()
    if user is None:
        return
    profile, created = WalletProfile.objects.get_or_create(user=user)
    taken = WalletProfile.objects.filter(handle=PUBLIC_HANDLE).exclude(pk=profile.pk).exists()
    if created and not taken:
        profile.handle = PUBLIC_HANDLE
        profile.headline = "Warehouse operative, Northwind"
        profile.save(update_fields=["handle", "headline"])
    verified = SkillEvidence.objects.filter(
        organisation=organisation, user=user, kind=EvidenceKind.VERIFIED_CREDENTIAL
    )
    for skill_id in sorted(set(verified.values_list("skill_id", flat=True))):
        SkillVisibility.objects.get_or_create(
            organisation=organisation,
            user=user,
            skill_id=skill_id,
            defaults={"visibility": "public"},
        )
    PublicSkillsPage.objects.get_or_create(user=user)
