"""LTI Dynamic Registration against the local platform: an administrator confirms, microcred
registers over HTTP, and the answer becomes the organisation's registration."""

from __future__ import annotations

import pytest

from counterparts.lti_platform import LEARNER, LmsUser, running_platform
from microcred_web.lti.models import Platform

from .conftest import LAUNCH_URL, launch_through_platform


@pytest.fixture
def lms(settings):
    settings.MICROCRED_LTI_ALLOW_PRIVATE = True
    settings.MICROCRED_LTI_ALLOW_HTTP = True
    with running_platform(redirect_uri=LAUNCH_URL) as platform:
        platform.users = {"s1": LmsUser("s1", "Sam", "sam@lms.example", [LEARNER])}
        yield platform


def test_dynamic_registration_registers_and_launches_work(
    client, make_org, make_member, lms
) -> None:
    org = make_org("dyn", "Dyn Org")
    client.force_login(make_member(org, "admin", email="admin@dyn.example"))
    url = f"/o/{org.slug}/lti/register/"
    query = {
        "openid_configuration": lms.base_url + "/.well-known/openid-configuration",
        "registration_token": lms.registration_token,
    }
    confirm = client.get(url, query)
    assert confirm.status_code == 200 and b"Dyn Org" in confirm.content
    done = client.post(url, query)
    assert done.status_code == 200, done.content
    assert b"org.imsglobal.lti.close" in done.content
    platform = Platform.objects.get(organisation=org)
    assert (platform.issuer, platform.client_id) == (lms.issuer, "dyn-1")
    assert platform.deployment_ids == ["dyn-dep-1"] and platform.registered_dynamically
    sent = lms.registrations[0]
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["jwks_uri"] == "http://testserver/lti/jwks.json"
    client.logout()
    lms.links["l1"] = {"title": "t"}
    assert launch_through_platform(client, lms, sub="s1", hint={"link": "l1"}).status_code == 200


def test_a_wrong_registration_token_is_reported_and_nothing_is_kept(
    client, make_org, make_member, lms
) -> None:
    org = make_org("dyn2", "Dyn Two")
    client.force_login(make_member(org, "admin", email="admin@dyn2.example"))
    query = {
        "openid_configuration": lms.base_url + "/.well-known/openid-configuration",
        "registration_token": "stolen",
    }
    answer = client.post(f"/o/{org.slug}/lti/register/", query)
    assert answer.status_code == 400
    assert b"lti_registration_failed" in answer.content
    assert not Platform.objects.filter(organisation=org).exists()


def test_a_configuration_whose_issuer_is_elsewhere_is_refused(
    client, make_org, make_member, lms
) -> None:
    org = make_org("dyn3", "Dyn Three")
    client.force_login(make_member(org, "admin", email="admin@dyn3.example"))
    # the configuration claims an issuer on another origin than the one it is served from
    other_origin = lms.base_url.replace("127.0.0.1", "localhost")
    query = {"openid_configuration": other_origin + "/.well-known/openid-configuration"}
    answer = client.post(f"/o/{org.slug}/lti/register/", query)
    assert answer.status_code == 400
    assert b"does not match" in answer.content
