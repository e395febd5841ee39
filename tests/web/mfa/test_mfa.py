"""Second sign-in factor (TOTP and recovery codes), the requirement for roles that issue,
revoke or manage keys, and one's own sessions."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from microcred_web.mfa import selectors, services, totp
from microcred_web.mfa.models import OrganisationMfaPolicy, RecoveryCode, SessionRecord, TotpDevice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings) -> None:
    """The production default (the test settings turn it off for the older tests)."""
    settings.MICROCRED_MFA_REQUIRED_ROLES = ["admin", "issuer"]


@pytest.fixture
def org(make_org):
    return make_org()


def sign_in(client: Client, email: str, password: str, next_url: str = ""):
    data = {"email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:sign_in"), data)


def now_code(secret: str, ahead: int = 0) -> str:
    return totp.code_at(secret, totp.step_of(time.time()) + ahead)


def enrolled(user) -> str:
    """Set an authenticator up for ``user`` through the services; returns its secret."""
    secret = services.enrolment_secret(user=user)
    services.enrolment_confirm(user=user, code=now_code(secret))
    return secret


def test_totp_matches_the_rfc_6238_sha1_vectors() -> None:
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
    assert totp.code_at(secret, totp.step_of(59)) == "287082"
    assert totp.code_at(secret, totp.step_of(1111111109)) == "081804"
    assert totp.matching_step(secret, "287082", 59 + 30) == 1  # one step late is accepted
    assert totp.matching_step(secret, "287082", 59 + 60) is None  # two is not
    assert totp.matching_step(secret, "28708x", 59) is None


def test_provisioning_uri_names_the_account_and_the_parameters() -> None:
    uri = totp.provisioning_uri("ABCDEFGH", account="ana@example.com", issuer="microcred")
    assert uri.startswith("otpauth://totp/microcred:ana@example.com?")
    assert "secret=ABCDEFGH" in uri and "digits=6" in uri and "period=30" in uri


def test_an_issuer_is_sent_to_enrol_before_anything_else(client, org, make_member, password):
    issuer = make_member(org, "issuer")
    response = sign_in(client, issuer.email, password, next_url=f"/o/{org.slug}/")
    assert response.status_code == 302
    page = client.get(f"/o/{org.slug}/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("mfa:enrol"))
    enrol_page = client.get(page["Location"])
    assert enrol_page.status_code == 200
    assert b"<svg" in enrol_page.content  # the QR code
    secret = enrol_page.context["secret"]
    device = TotpDevice.objects.get(user=issuer)
    assert secret.encode() not in bytes(device.secret_sealed)  # sealed at rest

    wrong = client.post(
        reverse("mfa:enrol"), {"code": "000000" if now_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert "code" in wrong.context["form"].errors

    done = client.post(reverse("mfa:enrol"), {"code": now_code(secret), "next": f"/o/{org.slug}/"})
    assert done.status_code == 302 and done["Location"].startswith(reverse("mfa:recovery_codes"))
    codes_page = client.get(done["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    stored = set(RecoveryCode.objects.filter(user=issuer).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)  # stored hashed only
    assert client.get(reverse("mfa:recovery_codes")).status_code == 302  # shown once
    assert client.get(f"/o/{org.slug}/").status_code == 200


def test_a_learner_is_not_asked_and_an_organisation_may_relax_it(
    client, org, make_member, password
):
    learner = make_member(org, "learner")
    sign_in(client, learner.email, password)
    assert client.get(reverse("accounts:profile")).status_code == 200

    admin = make_member(org, "admin")
    OrganisationMfaPolicy.objects.create(organisation=org, required=False)
    other = Client()
    sign_in(other, admin.email, password)
    assert other.get(reverse("accounts:profile")).status_code == 200


def test_enrolled_person_must_give_a_code_and_a_code_cannot_be_replayed(
    client, org, make_member, password
):
    admin = make_member(org, "admin")
    secret = enrolled(admin)
    sign_in(client, admin.email, password, next_url=reverse("accounts:profile"))
    held = client.get(reverse("accounts:profile"))
    assert held.status_code == 302 and held["Location"].startswith(reverse("mfa:verify"))

    wrong = client.post(reverse("mfa:verify"), {"code": "12345"})
    assert wrong.status_code == 400
    assert client.get(reverse("accounts:profile")).status_code == 302

    code = now_code(secret, ahead=1)  # a later step than the one used to enrol
    ok = client.post(reverse("mfa:verify"), {"code": code, "next": reverse("accounts:profile")})
    assert ok.status_code == 302 and ok["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200

    replay = Client()
    sign_in(replay, admin.email, password)
    again = replay.post(reverse("mfa:verify"), {"code": code})
    assert again.status_code == 400
    assert replay.get(reverse("accounts:profile")).status_code == 302


def test_a_recovery_code_signs_in_once(client, org, make_member, password):
    issuer = make_member(org, "issuer")
    secret = services.enrolment_secret(user=issuer)
    codes = services.enrolment_confirm(user=issuer, code=now_code(secret))
    sign_in(client, issuer.email, password)
    assert client.post(reverse("mfa:verify"), {"code": codes[3].upper()}).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert RecoveryCode.objects.filter(user=issuer, used_at__isnull=True).count() == 9

    second = Client()
    sign_in(second, issuer.email, password)
    assert second.post(reverse("mfa:verify"), {"code": codes[3]}).status_code == 400

    regenerated = client.post(reverse("mfa:recovery_codes_regenerate"))
    fresh = client.get(regenerated["Location"]).context["codes"]
    assert not set(fresh) & set(codes)
    assert second.post(reverse("mfa:verify"), {"code": codes[4]}).status_code == 400  # old set gone
    assert second.post(reverse("mfa:verify"), {"code": fresh[0]}).status_code == 302


def test_the_code_step_is_throttled(client, org, make_member, password):
    admin = make_member(org, "admin")
    secret = enrolled(admin)
    sign_in(client, admin.email, password)
    for _attempt in range(5):
        assert client.post(reverse("mfa:verify"), {"code": "99999x"}).status_code == 400
    refused = client.post(reverse("mfa:verify"), {"code": now_code(secret, ahead=1)})
    assert refused.status_code == 429
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_signing_out_elsewhere_ends_the_other_session(org, make_member, password):
    learner = make_member(org, "learner")
    laptop = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko Firefox/128.0")
    phone = Client(
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) AppleWebKit Chrome/126.0 Mobile Safari/537"
    )
    tablet = Client()
    for device in (laptop, phone, tablet):
        sign_in(device, learner.email, password)
        assert device.get(reverse("accounts:profile")).status_code == 200

    page = laptop.get(reverse("mfa:sessions"))
    assert page.status_code == 200
    devices = {row["device"] for row in page.context["rows"]}
    assert {"Firefox · Linux", "Chrome · Android"} <= devices
    assert all(row["record"].address_masked == "127.0.0.x" for row in page.context["rows"])
    phone_row = next(row for row in page.context["rows"] if row["device"] == "Chrome · Android")

    ended = laptop.post(reverse("mfa:session_end", kwargs={"pk": phone_row["record"].pk}))
    assert ended.status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert tablet.get(reverse("accounts:profile")).status_code == 200

    laptop.post(reverse("mfa:sessions_end_others"))
    assert tablet.get(reverse("accounts:profile")).status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert SessionRecord.objects.filter(user=learner).count() == 1


def test_no_one_ends_another_persons_session(client, org, make_member, password):
    owner, intruder = make_member(org, "learner"), make_member(org, "learner")
    other = Client()
    sign_in(other, owner.email, password)
    other.get(reverse("accounts:profile"))
    record = SessionRecord.objects.get(user=owner)
    sign_in(client, intruder.email, password)
    response = client.post(reverse("mfa:session_end", kwargs={"pk": record.pk}))
    assert response.status_code == 404
    assert other.get(reverse("accounts:profile")).status_code == 200


def test_demo_relaxes_the_requirement_and_enrols_one_documented_issuer(make_org, make_member):
    from microcred_web.mfa import demo

    northwind = make_org(slug="northwind")
    admin = make_member(northwind, "admin")
    assert demo.demo_content_load() == demo.demo_content_load()  # idempotent
    assert not OrganisationMfaPolicy.objects.get(organisation=northwind).required
    assert not selectors.mfa_required_for(user=admin)
    device = TotpDevice.objects.get(user__email=demo.DEMO_MFA_EMAIL)
    code = now_code(demo.DEMO_TOTP_SECRET)
    assert services.second_factor_check(user=device.user, code=code)


def test_operators_are_asked_when_the_operator_setting_names_them(settings):
    from microcred_web.accounts.models import User

    operator = User.objects.create_user(
        "ops@example.org", "an-operator-pass-9", display_name="Olu Operator", is_operator=True
    )
    assert not selectors.mfa_required_for(user=operator)
    settings.MICROCRED_MFA_REQUIRED_ROLES = ["admin", "issuer", "operator"]
    assert selectors.mfa_required_for(user=operator)


def test_an_administrator_relaxes_and_restores_the_requirement(client, org, make_member):
    admin, issuer = make_member(org, "admin"), make_member(org, "issuer")
    enrolled(admin)
    client.force_login(admin)
    session = client.session
    session["mfa.passed"] = admin.pk  # the admin passed the code step
    session.save()
    url = reverse("mfa:org_policy", kwargs={"slug": org.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert (page.context["people"], page.context["enrolled"]) == (2, 1)
    assert page.context["form"].initial["required"] is True
    assert selectors.mfa_required_for(user=issuer)

    assert client.post(url, {}).status_code == 302  # the box unticked
    assert not selectors.mfa_required_for(user=issuer)
    client.post(url, {"required": "on"})
    assert selectors.mfa_required_for(user=issuer)


def test_a_person_needing_no_second_step_is_not_asked_again_on_every_request(
    client, org, make_member, password
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from microcred_web.mfa import middleware

    learner = make_member(org, "learner")
    sign_in(client, learner.email, password)
    assert client.get(reverse("accounts:profile")).status_code == 200  # asked once, clear
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:profile")).status_code == 200
    assert not [q for q in queries if "mfa_totpdevice" in q["sql"]]

    # a minute later the question is asked again (a new role or policy applies by then)
    session = client.session
    session[middleware.CLEAR_KEY] = [learner.pk, time.time() - middleware.RECHECK_EVERY - 1]
    session.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:profile")).status_code == 200
    assert [q for q in queries if "mfa_totpdevice" in q["sql"]]
