"""The 1EdTech Security Framework's launch checks, one refusal each, with a clear error:
forged signature, wrong audience, expired, replayed nonce, unknown deployment, wrong issuer,
wrong message type / version, an unregistered platform, and cross-organisation isolation."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc.jwk import RSAKey

from microcred_web.lti.models import Identity

from .conftest import login_to_platform, state_and_nonce

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def _launch(
    client, place, mutate=None, *, key: RSAKey | None = None, kid: str | None = None
) -> Any:
    state, nonce = state_and_nonce(
        login_to_platform(client, place.lms, sub="student-1", hint={"link": "l1"})
    )
    claims = place.lms.launch_claims(sub="student-1", nonce=nonce, link_id="l1")
    if mutate is not None:
        mutate(claims)
    token = place.lms.sign(claims, key=key, kid=kid)
    return client.post("/lti/launch/", {"id_token": token, "state": state}), token, state


def _refused(response, claim: str, words: str) -> None:
    assert response.status_code == 401, response.content
    text = response.content.decode()
    assert 'data-error-code="lti_launch_refused"' in text
    assert words in text, text
    assert claim in text
    assert "_auth_user_id" not in response.client.session


def test_a_genuine_launch_is_accepted(client, place) -> None:
    response, _token, _state = _launch(client, place)
    assert response.status_code == 200  # signed in; nothing placed on this link yet
    assert b"Nothing is placed here yet" in response.content
    assert Identity.objects.filter(subject="student-1").exists()


def test_a_token_signed_with_another_key_is_refused(client, place) -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": "p1"})
    response, _t, _s = _launch(client, place, key=forger, kid="p1")
    _refused(response, "signature", "signature does not verify")


def test_a_token_with_an_unknown_kid_refetches_keys_then_refuses(client, place) -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": "rotated"})
    _launch(client, place)  # keys fetched once
    client.logout()
    before = place.lms.jwks_requests
    response, _t, _s = _launch(client, place, key=forger, kid="rotated")
    _refused(response, "signature", "signature does not verify")
    assert place.lms.jwks_requests == before + 1


def test_a_token_for_another_tool_is_refused(client, place) -> None:
    def other_audience(claims: dict[str, Any]) -> None:
        claims["aud"] = "another-tool"
        claims["azp"] = "another-tool"

    response, _t, _s = _launch(client, place, other_audience)
    _refused(response, "aud", "not issued to this tool")


def test_an_expired_token_is_refused(client, place) -> None:
    def expired(claims: dict[str, Any]) -> None:
        claims["iat"] = int(time.time()) - 900
        claims["exp"] = int(time.time()) - 600

    response, _t, _s = _launch(client, place, expired)
    _refused(response, "exp", "expired")


def test_a_replayed_launch_is_refused(client, place) -> None:
    response, token, state = _launch(client, place)
    assert response.status_code == 200
    client.logout()
    again = client.post("/lti/launch/", {"id_token": token, "state": state})
    _refused(again, "nonce", "already used")


def test_a_nonce_from_another_login_is_refused(client, place) -> None:
    def other_nonce(claims: dict[str, Any]) -> None:
        claims["nonce"] = "not-the-one-we-sent"

    response, _t, _s = _launch(client, place, other_nonce)
    _refused(response, "nonce", "does not match")


def test_an_unknown_deployment_is_refused(client, place) -> None:
    def other_deployment(claims: dict[str, Any]) -> None:
        claims[CLAIM + "deployment_id"] = "dep-unknown"

    response, _t, _s = _launch(client, place, other_deployment)
    _refused(response, "deployment_id", "dep-unknown")


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        (CLAIM + "message_type", "LtiSubmissionReviewRequest", "message type"),
        (CLAIM + "version", "1.1", "1.3.0"),
    ],
)
def test_a_wrong_message_type_or_version_is_refused(client, place, name, value, words) -> None:
    response, _t, _s = _launch(client, place, lambda claims: claims.__setitem__(name, value))
    _refused(response, name, words)


def test_a_launch_without_a_login_started_here_is_refused(client, place) -> None:
    claims = place.lms.launch_claims(sub="student-1", nonce="n", link_id="l1")
    response = client.post("/lti/launch/", {"id_token": place.lms.sign(claims), "state": "made-up"})
    assert response.status_code == 401
    assert b'data-error-code="lti_state_unknown"' in response.content


def test_a_login_from_an_unregistered_platform_is_refused(client, place) -> None:
    response = client.post(
        "/lti/login/",
        {"iss": "https://lms.unknown.example", "login_hint": "x", "target_link_uri": "x"},
    )
    assert response.status_code == 400
    assert b'data-error-code="lti_platform_unknown"' in response.content
    assert b"lms.unknown.example" in response.content


def test_a_login_for_an_unknown_deployment_is_refused(client, place) -> None:
    response = client.post(
        "/lti/login/",
        {
            "iss": place.lms.issuer,
            "login_hint": "student-1",
            "client_id": place.lms.client_id,
            "lti_deployment_id": "dep-9",
        },
    )
    assert response.status_code == 400
    assert b'data-error-code="lti_deployment_unknown"' in response.content


def test_a_link_to_another_organisations_course_is_refused(
    client, place, make_org, make_member
) -> None:
    from .conftest import published_course

    other = make_org("elsewhere", "Elsewhere Ltd")
    author = make_member(other, "admin", "issuer", email="boss@elsewhere.example")
    foreign = published_course(other, author, title="Secret course")

    def point_elsewhere(claims: dict[str, Any]) -> None:
        claims[CLAIM + "custom"] = {"course": str(foreign.public_id)}

    response, _t, _s = _launch(client, place, point_elsewhere)
    assert response.status_code == 404
    assert b'data-error-code="lti_course_unknown"' in response.content
    assert b"Secret course" not in response.content
    # the launch is refused as a whole: nobody is created or signed in
    assert not Identity.objects.filter(subject="student-1").exists()
    assert "_auth_user_id" not in client.session


def test_the_admin_pages_show_only_the_own_organisations_platforms(
    client, place, make_org, make_member
) -> None:
    other = make_org("elsewhere", "Elsewhere Ltd")
    outsider = make_member(other, "admin", email="boss@elsewhere.example")
    client.force_login(outsider)
    assert client.get(f"/o/{other.slug}/lti/{place.registration.pk}/").status_code == 404
    assert client.get(f"/o/{place.org.slug}/lti/").status_code == 404
    listing = client.get(f"/o/{other.slug}/lti/")
    assert listing.status_code == 200
    assert b"Test LMS" not in listing.content


def test_pages_outside_lti_sessions_stay_unframeable(client, place) -> None:
    client.force_login(place.admin)
    page = client.get(f"/o/{place.org.slug}/lti/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors" not in page.get("Content-Security-Policy", "")


def test_a_launch_landing_page_may_be_framed_by_its_lms_only(client, place) -> None:
    response, _t, _s = _launch(client, place)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == f"frame-ancestors 'self' {place.lms.base_url}"


def test_a_refused_launch_is_shown_inside_the_lms_frame(client, place) -> None:
    response, _t, _s = _launch(client, place, lambda c: c.__setitem__("aud", "x"))
    assert response.status_code == 401
    assert "X-Frame-Options" not in response


def test_over_https_the_launched_session_cookies_work_inside_the_lms_frame(client, place) -> None:
    state, nonce = state_and_nonce(
        login_to_platform(client, place.lms, sub="student-1", hint={"link": "l1"})
    )
    claims = place.lms.launch_claims(sub="student-1", nonce=nonce, link_id="l1")
    response = client.post(
        "/lti/launch/", {"id_token": place.lms.sign(claims), "state": state}, secure=True
    )
    assert response.status_code == 200
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "None" and cookie["secure"]
    # a person signing in on microcred itself keeps Lax cookies
    other = type(client)()
    other.force_login(place.admin)
    page = other.get(f"/o/{place.org.slug}/lti/", secure=True)
    assert "sessionid" not in page.cookies or page.cookies["sessionid"]["samesite"] == "Lax"
    assert page["X-Frame-Options"] == "DENY"
