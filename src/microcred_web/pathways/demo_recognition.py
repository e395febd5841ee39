"""Demo content: a credential from elsewhere recognised toward the team-lead pathway.

Contoso (the demo's second organisation, another issuer) awarded Zoë
(learner@northwind.example) "Team Leadership Foundations"; she imported it into her wallet,
where it verified, and Northwind recognises it as "Warehouse Team Lead" in the pathway's
"People skills" step only (for three years after it was issued): her map lists it as counting.
(It stands for an item outside the hours step, so the rest of her demo map is unchanged.)
Running it again changes nothing.
"""

from __future__ import annotations

import json

from microcred_web.accounts.models import User
from microcred_web.achievements import services as achievement_services
from microcred_web.achievements.models import Achievement, AchievementStatus
from microcred_web.issuing import services as issuing
from microcred_web.issuing.identity import issuer_did
from microcred_web.issuing.models import Credential
from microcred_web.orgs.models import Organisation
from microcred_web.pathways import recognition
from microcred_web.pathways.models import Pathway, Recognition
from microcred_web.wallet import services as wallet
from microcred_web.wallet.models import ImportedCredential

OTHER_SLUG = "contoso"
OTHER_AUTHOR = "admin@contoso.example"
LEARNER_EMAIL = "learner@northwind.example"
EXTERNAL = "Team Leadership Foundations"
COUNTS_AS = "Warehouse Team Lead"
SOURCE_KEY = "demo:recognition:team-leadership"


def _external_badge(organisation: Organisation, author: User) -> Achievement:
    achievement = Achievement.objects.filter(organisation=organisation, name=EXTERNAL).first()
    if achievement is None:
        achievement = achievement_services.achievement_create(
            organisation=organisation,
            actor=author,
            values={
                "name": EXTERNAL,
                "description": "Plans a shift, briefs a team and handles first conflicts.",
                "criteria": "Complete Contoso's team leadership course and its assessment.",
                "achievement_type": "Badge",
                "language": "en",
            },
        )
    if achievement.status == AchievementStatus.DRAFT:
        achievement_services.achievement_publish(achievement=achievement, actor=author)
        achievement.refresh_from_db()
    return achievement


def demo_recognition_load(pathway: Pathway) -> dict[str, int]:
    other = Organisation.objects.filter(slug=OTHER_SLUG).first()
    author = User.objects.filter(email=OTHER_AUTHOR).first()
    learner = User.objects.filter(email=LEARNER_EMAIL).first()
    version = pathway.published_version
    if other is None or author is None or learner is None or version is None:
        return {}
    badge = _external_badge(other, author)
    if badge.current_version is None:
        return {}
    issuing.credentials_issue(
        organisation=other,
        achievement_version=badge.current_version,
        recipients=[issuing.RecipientInput(email=learner.email, name="Zoë", source_key=SOURCE_KEY)],
        actor=author,
        source="demo",
    )
    credential = Credential.objects.get(organisation=other, source_key=SOURCE_KEY)
    achievement_id = credential.document["credentialSubject"]["achievement"]["id"]
    definition = version.definition
    step = next((s for s in definition.steps if any(i.label == COUNTS_AS for i in s.items)), None)
    if step is None:
        return {}
    item = next(i for i in step.items if i.label == COUNTS_AS)
    if not Recognition.objects.filter(pathway=pathway, achievement_id=achievement_id).exists():
        recognition.recognition_add(
            pathway=pathway,
            definition=definition,
            actor=None,
            step_id=step.id,
            counts_as=item.ref,
            issuer_id=issuer_did(other),
            achievement_id=achievement_id,
            valid_for_days=3 * 365,
            only_in_step=True,
        )
    if not ImportedCredential.objects.filter(owner=learner, name=EXTERNAL).exists():
        wallet.credential_import(user=learner, data=json.dumps(credential.document).encode())
    return {"pathway_recognitions": Recognition.objects.filter(pathway=pathway).count()}
