"""``microcred-admin org_create``: an organisation ready to issue, from a script."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from microcred_web.accounts.models import User
from microcred_web.common.models import AuditEvent
from microcred_web.issuing.models import IssuerKey, IssuerProfile
from microcred_web.issuing.signing import signing_key_for
from microcred_web.orgs.models import Membership, Organisation


def run(*args: str) -> str:
    out = StringIO()
    call_command("org_create", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_admin_identity_key_and_branding_and_prints_a_working_link(
    client, tmp_path, png_bytes, django_capture_on_commit_callbacks
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes)
    with django_capture_on_commit_callbacks(execute=True):
        out = run(
        "--name", "Fabrikam Rail", "--slug", "fabrikam", "--admin-email", "Ada@Fabrikam.example",
        "--admin-name", "Ada Admin", "--admin-language", "fr", "--issuer-name", "Fabrikam Academy",
        "--issuer-url", "https://academy.fabrikam.example", "--country", "de",
        "--primary-colour", "#224466", "--logo", str(logo),
        )  # fmt: skip
    org = Organisation.objects.get(slug="fabrikam")
    assert (org.name, org.country, org.primary_colour) == ("Fabrikam Rail", "DE", "#224466")
    assert org.logo.name.startswith("logos/fabrikam-")
    admin = User.objects.get(email="ada@fabrikam.example")
    assert (admin.display_name, admin.preferred_language) == ("Ada Admin", "fr")
    assert not admin.has_usable_password() and not admin.is_operator
    assert Membership.objects.get(organisation=org, user=admin).role_names == ["admin"]
    profile = IssuerProfile.objects.get(organisation=org)
    assert (profile.name, profile.url) == ("Fabrikam Academy", "https://academy.fabrikam.example")
    key = IssuerKey.objects.get(organisation=org)
    _key, pair = signing_key_for(organisation=org)
    assert pair.secret not in bytes(key.secret_ciphertext)  # encrypted at rest
    did = client.get("/o/fabrikam/did.json").json()
    assert did["verificationMethod"][0]["publicKeyMultibase"] == key.public_multibase
    assert AuditEvent.objects.filter(action="instance.organisation_created").count() == 1
    # the printed link lets the admin choose a password and sign in
    link = next(line for line in out.splitlines() if line.startswith("Set-password link: "))
    form = client.get(urlsplit(link.removeprefix("Set-password link: ")).path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "long-enough-pass-42", "new_password2": "long-enough-pass-42"}
    )
    assert done.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("long-enough-pass-42")
    [message] = mail.outbox
    assert message.to == ["ada@fabrikam.example"] and "Fabrikam Rail" in message.subject
    assert link.removeprefix("Set-password link: ") in message.body


@pytest.mark.django_db
def test_password_file_sets_the_password_and_no_link(
    tmp_path, django_capture_on_commit_callbacks
) -> None:
    secret = tmp_path / "pw"
    secret.write_text("a-long-admin-password-7\n")
    with django_capture_on_commit_callbacks(execute=True):
        out = run(
            "--name", "Tailspin", "--slug", "tailspin", "--admin-email", "t@tailspin.example",
            "--password-file", str(secret), "--no-email",
        )  # fmt: skip
    assert "Set-password link" not in out
    assert User.objects.get(email="t@tailspin.example").check_password("a-long-admin-password-7")
    assert mail.outbox == []


@pytest.mark.django_db
def test_slug_taken_names_the_field_and_changes_nothing() -> None:
    run("--name", "One", "--slug", "one", "--admin-email", "a@one.example")
    with pytest.raises(CommandError, match=r"^slug: ") as caught:
        run("--name", "Another", "--slug", "one", "--admin-email", "b@one.example")
    assert caught.value.returncode != 0
    assert Organisation.objects.filter(slug="one").count() == 1
    assert not User.objects.filter(email="b@one.example").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--slug", "Bad Slug!"], "slug"),
        (["--admin-email", "not-an-email"], "admin-email"),
        (["--primary-colour", "blue"], "primary-colour"),
        (["--language", "xx"], "default-language"),
        (["--issuer-url", "nota url"], "issuer-url"),
    ],
)
def test_invalid_values_name_their_field(args: list[str], field: str) -> None:
    base = {"--name": "Org", "--slug": "org", "--admin-email": "a@org.example"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    with pytest.raises(CommandError, match=rf"^{field}: "):
        run(*flat)
    assert not Organisation.objects.exists()
