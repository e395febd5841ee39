"""Why an issued credential carries one credentialStatus (decision 0006): the pinned OB 3.0
AchievementCredential schema types ``credentialStatus`` as a single object."""

from __future__ import annotations

from microcred.schema import validate_document
from microcred.status import status_entry
from microcred_web.issuing import services
from microcred_web.issuing.services import RecipientInput


def test_issued_credentials_carry_the_revocation_entry_only(world, version):
    [credential] = services.credentials_issue(
        organisation=world.org,
        achievement_version=version,
        recipients=[RecipientInput(email="a@acme.example")],
        actor=None,
        source="t",
        deliver=False,
    )
    document = credential.document
    entry = document["credentialStatus"]
    assert isinstance(entry, dict) and entry["statusPurpose"] == "revocation"
    assert validate_document(document).problems == ()

    # the same credential with both entries, as VC 2.0 would allow, fails the OB 3.0 schema
    suspension = status_entry(
        list_credential_url=entry["statusListCredential"].replace("revocation", "suspension"),
        index=credential.suspension_status_index,
        purpose="suspension",
    )
    both = {**document, "credentialStatus": [entry, suspension]}
    problems = validate_document(both).problems
    assert [p.path for p in problems] == ["$.credentialStatus"], problems
