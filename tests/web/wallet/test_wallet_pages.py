"""Wallet pages: listing and filters, public profile, CLR export, the organisation's insights."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone

from microcred.did import did_web_to_url
from microcred.verify import verify_credential
from microcred_web.analytics.models import CredentialEvent
from microcred_web.analytics.services import event_record
from microcred_web.issuing import services as issuing
from microcred_web.wallet import services
from microcred_web.wallet.models import PlatformKey

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "ob30"


def test_wallet_lists_issued_and_imported_with_status_and_filters(client, world, issue, expired):
    learner = world.people["learner"]
    active = issue()
    imported = services.credential_import(user=learner, data=(VECTORS / "simple.json").read_bytes())
    client.force_login(learner)
    html = client.get(reverse("wallet:home")).content.decode()
    assert html.count('data-origin="issued"') == 2 and html.count('data-origin="imported"') == 1
    assert "Expired" in html and "Valid" in html
    assert "operate forklift" in html  # the skill filter offers the alignment
    by_skill = client.get(reverse("wallet:home"), {"skill": "operate forklift"}).content.decode()
    assert (
        by_skill.count("data-origin=") == 2
        and imported.name not in by_skill.split("wallet-items")[1]
    )
    by_issuer = client.get(
        reverse("wallet:home"), {"issuer": imported.issuer_name}
    ).content.decode()
    assert by_issuer.count("data-origin=") == 1
    detail = client.get(reverse("wallet:credential", kwargs={"public_id": active.public_id}))
    text = detail.content.decode()
    assert detail.status_code == 200 and 'id="verification"' in text and "Signature" in text
    assert "<strong>practical</strong>" in text and "<script>alert(1)" not in text
    assert 'id="embed-code"' in text and "&lt;a href=" in text
    # the old address still works
    assert client.get(reverse("issuing:my_credentials"))["Location"] == reverse("wallet:home")


def test_unclaimed_credentials_are_not_in_anyones_wallet(client, world, issue):
    unclaimed = issue(claim=False)
    client.force_login(world.people["learner"])
    html = client.get(reverse("wallet:home")).content.decode()
    assert str(unclaimed.public_id) not in html


def test_public_profile_lists_only_public_credentials(client, world, issue):
    learner = world.people["learner"]
    shown, hidden = issue(), issue()
    services.credential_visibility_set(credential=shown, user=learner, is_public=True)
    services.wallet_profile_update(user=learner, handle="lea-learner", headline="Warehouse pro")
    html = client.get("/u/lea-learner/").content.decode()
    assert str(shown.public_id) in html and str(hidden.public_id) not in html
    assert "Warehouse pro" in html
    assert client.get(f"/credentials/{hidden.public_id}").status_code == 404
    # the handle is validated and unique
    client.force_login(world.people["admin"])
    response = client.post(reverse("wallet:profile"), {"handle": "lea-learner"})
    assert "This address is taken." in response.content.decode()
    response = client.post(reverse("wallet:profile"), {"handle": "Bad Handle!"})
    assert "lower-case letters" in response.content.decode()
    assert client.get("/u/nobody-at-all/").status_code == 404


def test_clr_export_is_signed_and_verifies(client, world, issue, tmp_path):
    learner = world.people["learner"]
    first, second = issue(), issue()
    client.force_login(learner)
    response = client.post(
        reverse("wallet:clr"), {"credential": [str(first.public_id), str(second.public_id)]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="clr.json"'
    clr = json.loads(response.content)
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["issuer"]["id"].endswith(":wallet")
    assert len(clr["credentialSubject"]["verifiableCredential"]) == 2
    key = PlatformKey.objects.get()
    assert key.public_multibase.encode() not in bytes(key.secret_ciphertext)
    # the documents a verifier needs, taken from this site's own answers
    docs = {}
    for did in (clr["issuer"]["id"], first.document["issuer"]["id"]):
        docs[did] = json.loads(client.get(urlsplit(did_web_to_url(did)).path).content)
    status_url = first.document["credentialStatus"]["statusListCredential"]
    docs[status_url] = json.loads(client.get(urlsplit(status_url).path).content)
    from microcred.did import MapResolver

    report = verify_credential(clr, now=timezone.now(), resolver=MapResolver(docs))
    assert report.ok, [c.to_json() for c in report.checks if c.status == "fail"]
    (tmp_path / "clr.json").write_text(json.dumps(clr))
    (tmp_path / "docs.json").write_text(json.dumps(docs))
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "microcred.cli",
            "verify",
            "--docs",
            str(tmp_path / "docs.json"),
            str(tmp_path / "clr.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    # another person's credential cannot be bundled; nothing chosen is an error
    client.force_login(world.others["learner"])
    refused = client.post(reverse("wallet:clr"), {"credential": [str(first.public_id)]})
    assert refused.status_code == 400 and "Choose at least one" in refused.content.decode()


def test_insights_totals_charts_and_table(client, world, credential):
    org = world.org
    for channel in ("linkedin", "email"):
        event_record(
            kind="share", credential_id=credential.pk, organisation_id=org.pk, channel=channel
        )
    event_record(kind="verify", credential_id=credential.pk, organisation_id=org.pk, result="valid")
    event_record(
        kind="download", credential_id=credential.pk, organisation_id=org.pk, channel="pdf"
    )
    old = CredentialEvent.objects.create(kind="view", organisation=org, credential=credential)
    CredentialEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    client.force_login(world.people["issuer"])
    html = client.get(reverse("wallet:insights", kwargs={"slug": org.slug})).content.decode()
    assert 'id="total-issued">1<' in html and 'id="total-claimed">1<' in html
    assert 'id="total-share">2<' in html and 'id="total-verify">1<' in html
    assert 'id="total-view">0<' in html  # 60 days ago: outside the last 30 days
    assert '<svg class="chart" id="chart-share"' in html and 'role="img"' in html
    assert "<table" in html and "Valid" in html and "pdf" in html
    headers = [h.split("</th>")[0] for h in html.split('<th scope="col">')[1:]]
    assert [h for h in headers if h != "Count"][:3] == ["Channel", "Format", "Result"]
    html90 = client.get(reverse("wallet:insights", kwargs={"slug": org.slug}), {"days": 90})
    assert 'id="total-view">1<' in html90.content.decode()
    issuing.credential_revoke(credential=credential, actor=world.people["admin"], reason="x")
    assert (
        "Insights"
        in client.get(reverse("orgs:dashboard", kwargs={"slug": org.slug})).content.decode()
    )


def test_the_wallet_and_public_page_explain_checks_as_the_verifier_does(
    client, world, issue, expired
) -> None:
    """One wording (issuing.check_words) on the wallet, the public page and the verifier: an
    expired credential's expiry check says so in plain words, not the engine's."""
    client.force_login(world.people["learner"])
    for url in (
        reverse("wallet:credential", kwargs={"public_id": expired.public_id}),
        reverse("issuing:credential", kwargs={"public_id": expired.public_id}),
    ):
        text = client.get(url).content.decode()
        checks = text.split('id="verification"')[1].split("</ul>")[0]
        assert "Its validity date has passed." in checks, url
        assert "expired on" not in checks  # the engine's wording is not the explanation
