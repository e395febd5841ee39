"""A small LTI 1.3 platform (the LMS side) for tests, run on 127.0.0.1 in a thread.

A faithful fake written from the 1EdTech specifications, with real RSA keys and real JWT
signatures (joserfc); no part of the tool's code is used. It implements:

- Security Framework 1.0 §5.1.1 (OIDC third-party initiated login): the authentication
  request endpoint checks ``scope=openid``, ``response_type=id_token``,
  ``response_mode=form_post``, ``prompt=none``, the registered ``client_id`` and
  ``redirect_uri``, and answers with the auto-submitted form carrying ``id_token`` + ``state``;
- its JWKS (§6.3) and the OAuth 2 token endpoint with the JWT bearer client assertion (§4.1),
  checking the assertion against the tool's published key set;
- LTI Core 1.3 §5 resource link launches and Deep Linking 2.0 (request claims; the
  LtiDeepLinkingResponse checked on return: iss, aud, message type, version, deployment);
- Assignment and Grade Services 2.0: line items container (GET/POST), the Score service
  (``application/vnd.ims.lis.v1.score+json``, the required fields and enumerations);
- Names and Role Provisioning Services 2.0: the membership container;
- LTI Dynamic Registration 1.0 §3.4–3.6: the OpenID configuration and the registration
  endpoint (bearer registration token, the tool's registration checked, client_id and
  deployment_id answered).

It does NOT implement: platform-side storage beyond memory, paging (Link headers), results
service, LTI 1.1 migration claims.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}


@dataclass
class LmsUser:
    sub: str
    name: str
    email: str
    roles: list[str]


@dataclass
class LtiPlatform:
    base_url: str = ""
    client_id: str = "microcred-tool"
    deployment_id: str = "dep-1"
    context_id: str = "course-101"
    context_title: str = "Warehouse induction"
    redirect_uri: str = ""
    tool_jwks_url: str = ""
    tool_jwks: dict[str, Any] = field(default_factory=dict)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "p1"}))
    users: dict[str, LmsUser] = field(default_factory=dict)
    #: resource links: id -> {"title", "custom"}; placed by deep linking or by the test
    links: dict[str, dict[str, Any]] = field(default_factory=dict)
    lineitems: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: list[dict[str, Any]] = field(default_factory=list)
    deep_link_returns: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, list[str]] = field(default_factory=dict)
    token_requests: int = 0
    fail_scores: int = 0  # answer 503 to this many score posts first
    jwks_requests: int = 0
    errors: list[str] = field(default_factory=list)
    registration_token: str = "reg-token-1"
    #: where browsers reach the platform (its auth endpoint, course pages, deep link return);
    #: server-to-server calls use ``base_url``
    browser_base_url: str = ""
    #: the tool's login initiation URL, for the course page that launches the tool in a frame
    tool_login_url: str = ""
    registrations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def browser_url(self) -> str:
        return self.browser_base_url or self.base_url

    # --- registration as the tool sees it -----------------------------------------------

    def registration(self) -> dict[str, Any]:
        return {
            "name": "Test LMS",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_ids": [self.deployment_id],
            "auth_login_url": self.browser_url + "/auth",
            "token_url": self.base_url + "/token",
            "jwks_url": self.base_url + "/jwks",
        }

    def lineitems_url(self) -> str:
        return f"{self.base_url}/contexts/{self.context_id}/lineitems"

    def memberships_url(self) -> str:
        return f"{self.base_url}/contexts/{self.context_id}/memberships"

    # --- messages -------------------------------------------------------------------------

    def sign(
        self, claims: dict[str, Any], *, key: RSAKey | None = None, kid: str | None = None
    ) -> str:
        signing = key or self.key
        header = {"alg": "RS256", "typ": "JWT", "kid": kid or signing.kid or "p1"}
        return jwt.encode(header, claims, signing)

    def launch_claims(
        self, *, sub: str, nonce: str, message: str = "resource", link_id: str = ""
    ) -> dict[str, Any]:
        user = self.users[sub]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": user.name,
            "email": user.email,
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": user.roles,
            CLAIM + "context": {"id": self.context_id, "title": self.context_title},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.memberships_url(),
                "service_versions": ["2.0"],
            },
        }
        if message == "deep_linking":
            claims[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.browser_url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-42",
            }
            return claims
        link = self.links.get(link_id, {})
        claims[CLAIM + "message_type"] = "LtiResourceLinkRequest"
        claims[CLAIM + "resource_link"] = {"id": link_id, "title": link.get("title", "")}
        claims[CLAIM + "target_link_uri"] = link.get("url", self.redirect_uri)
        if link.get("custom"):
            claims[CLAIM + "custom"] = link["custom"]
        ags: dict[str, Any] = {"scope": AGS_SCOPES, "lineitems": self.lineitems_url()}
        if link.get("lineitem"):
            ags["lineitem"] = link["lineitem"]
        claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = ags
        return claims

    def tool_key_set(self) -> KeySet:
        if self.tool_jwks_url:
            with urlopen(self.tool_jwks_url, timeout=5) as answer:
                return KeySet.import_key_set(json.loads(answer.read()))
        return KeySet.import_key_set(self.tool_jwks)

    def gradebook(self) -> dict[str, dict[str, Any]]:
        """The latest score of each user, by subject."""
        latest: dict[str, dict[str, Any]] = {}
        for score in self.scores:
            latest[score["userId"]] = score
        return latest


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, document: Any, content_type: str = "application/json") -> None:
        self._send(status, json.dumps(document).encode(), content_type)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _bearer(self, scope: str) -> bool:
        header = self.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        granted = self.server.platform.tokens.get(token)
        if granted is None or scope not in granted:
            self._json(401, {"error": "invalid_token"})
            return False
        return True

    def do_GET(self) -> None:
        platform = self.server.platform
        parts = urlsplit(self.path)
        if parts.path == "/jwks":
            platform.jwks_requests += 1
            self._json(
                200,
                {"keys": [platform.key.as_dict(private=False) | {"alg": "RS256", "use": "sig"}]},
            )
        elif parts.path == "/.well-known/openid-configuration":
            self._json(
                200,
                {
                    "issuer": platform.issuer,
                    "authorization_endpoint": platform.base_url + "/auth",
                    "token_endpoint": platform.base_url + "/token",
                    "jwks_uri": platform.base_url + "/jwks",
                    "registration_endpoint": platform.base_url + "/register",
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "scopes_supported": ["openid", *AGS_SCOPES, NRPS_SCOPE],
                    "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                        "product_family_code": "test-lms",
                        "version": "1.0",
                        "messages_supported": [
                            {"type": "LtiResourceLinkRequest"},
                            {"type": "LtiDeepLinkingRequest"},
                        ],
                    },
                },
            )
        elif parts.path == "/auth":
            self._auth(parse_qs(parts.query))
        elif parts.path == "/course":
            self._course_page(parse_qs(parts.query))
        elif parts.path == f"/contexts/{platform.context_id}/memberships":
            if not self._bearer(NRPS_SCOPE):
                return
            if "application/vnd.ims.lti-nrps.v2.membershipcontainer+json" not in self.headers.get(
                "Accept", ""
            ):
                self._json(406, {"error": "not acceptable"})
                return
            members = [
                {
                    "status": "Active",
                    "user_id": u.sub,
                    "name": u.name,
                    "email": u.email,
                    "roles": u.roles,
                }
                for u in platform.users.values()
            ]
            self._json(
                200,
                {
                    "id": platform.memberships_url(),
                    "context": {"id": platform.context_id, "title": platform.context_title},
                    "members": members,
                },
                "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            )
        elif parts.path == f"/contexts/{platform.context_id}/lineitems":
            if not self._bearer(AGS_SCOPES[0]):
                return
            self._json(
                200,
                list(platform.lineitems.values()),
                "application/vnd.ims.lis.v2.lineitemcontainer+json",
            )
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        platform = self.server.platform
        path = urlsplit(self.path).path
        body = self._body()
        if path == "/token":
            self._token(parse_qs(body.decode()))
        elif path == "/register":
            self._register(body)
        elif path == "/deep-link-return":
            self._deep_link_return(parse_qs(body.decode()))
        elif path == f"/contexts/{platform.context_id}/lineitems":
            if not self._bearer(AGS_SCOPES[0]):
                return
            item = json.loads(body)
            if not isinstance(item.get("scoreMaximum"), int | float) or not item.get("label"):
                self._json(400, {"error": "scoreMaximum and label are required"})
                return
            item_id = f"{platform.lineitems_url()}/{len(platform.lineitems) + 1}"
            item["id"] = item_id
            platform.lineitems[item_id] = item
            self._json(201, item, "application/vnd.ims.lis.v2.lineitem+json")
        elif re.fullmatch(rf"/contexts/{platform.context_id}/lineitems/\d+/scores", path):
            self._score(path.rsplit("/", 1)[0], body)
        else:
            self._json(404, {"error": "not found"})

    # --- endpoints --------------------------------------------------------------------------

    def _auth(self, query: dict[str, list[str]]) -> None:
        platform = self.server.platform
        one = {k: v[0] for k, v in query.items()}
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
        }
        for name, value in expected.items():
            if one.get(name) != value:
                self._json(
                    400,
                    {"error": "invalid_request", "error_description": f"{name} must be {value}"},
                )
                return
        if (
            one.get("client_id") != platform.client_id
            or one.get("redirect_uri") != platform.redirect_uri
        ):
            self._json(400, {"error": "unauthorized_client"})
            return
        if (
            one.get("login_hint") not in platform.users
            or not one.get("nonce")
            or not one.get("state")
        ):
            self._json(400, {"error": "login_required"})
            return
        hint = json.loads(one.get("lti_message_hint") or "{}")
        claims = platform.launch_claims(
            sub=one["login_hint"],
            nonce=one["nonce"],
            message=hint.get("message", "resource"),
            link_id=hint.get("link", ""),
        )
        token = platform.sign(claims)
        page = (
            f'<form method="post" action="{html.escape(one["redirect_uri"])}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{html.escape(one["state"])}">'
            "</form><script>document.forms[0].submit()</script>"
        )
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _course_page(self, query: dict[str, list[str]]) -> None:
        """An LMS course page that launches the tool in an iframe (third-party initiated
        login posted into the frame, LTI Core 1.3 §4.1 / Security Framework §5.1.1.1)."""
        platform = self.server.platform
        one = {k: v[0] for k, v in query.items()}
        hint = json.dumps({"message": one.get("message", "resource"), "link": one.get("link", "")})
        fields = {
            "iss": platform.issuer,
            "login_hint": one.get("user", ""),
            "target_link_uri": platform.redirect_uri,
            "lti_message_hint": hint,
            "client_id": platform.client_id,
            "lti_deployment_id": platform.deployment_id,
        }
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in fields.items()
        )
        page = (
            f"<!doctype html><title>{html.escape(platform.context_title)}</title>"
            f"<h1>{html.escape(platform.context_title)}</h1>"
            '<form id="launch" method="post" target="tool" '
            f'action="{html.escape(platform.tool_login_url)}">{inputs}</form>'
            '<iframe name="tool" id="tool" title="microcred" '
            'style="width:1000px;height:800px"></iframe>'
            "<script>document.getElementById('launch').submit()</script>"
        )
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _token(self, form: dict[str, list[str]]) -> None:
        platform = self.server.platform
        platform.token_requests += 1
        one = {k: v[0] for k, v in form.items()}
        if (
            one.get("grant_type") != "client_credentials"
            or one.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            self._json(400, {"error": "unsupported_grant_type"})
            return
        try:
            assertion = jwt.decode(
                one.get("client_assertion", ""), platform.tool_key_set(), algorithms=["RS256"]
            )
        except Exception as exc:
            platform.errors.append(f"client assertion: {exc}")
            self._json(401, {"error": "invalid_client"})
            return
        claims = assertion.claims
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud or [])
        if (
            claims.get("iss") != platform.client_id
            or claims.get("sub") != platform.client_id
            or platform.base_url + "/token" not in audiences
            or int(claims.get("exp", 0)) < time.time()
            or not claims.get("jti")
        ):
            platform.errors.append(f"client assertion claims: {claims}")
            self._json(401, {"error": "invalid_client"})
            return
        scopes = [s for s in one.get("scope", "").split() if s in [*AGS_SCOPES, NRPS_SCOPE]]
        token = secrets.token_urlsafe(24)
        platform.tokens[token] = scopes
        self._json(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": " ".join(scopes),
            },
        )

    def _register(self, body: bytes) -> None:
        platform = self.server.platform
        if self.headers.get("Authorization") != f"Bearer {platform.registration_token}":
            self._json(401, {"error": "invalid registration token"})
            return
        request = json.loads(body)
        tool = request.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
        problems = [
            name
            for name, ok in (
                ("application_type", request.get("application_type") == "web"),
                ("response_types", request.get("response_types") == ["id_token"]),
                (
                    "grant_types",
                    set(request.get("grant_types") or []) >= {"implicit", "client_credentials"},
                ),
                (
                    "initiate_login_uri",
                    str(request.get("initiate_login_uri", "")).startswith("http"),
                ),
                ("redirect_uris", bool(request.get("redirect_uris"))),
                ("jwks_uri", str(request.get("jwks_uri", "")).startswith("http")),
                (
                    "token_endpoint_auth_method",
                    request.get("token_endpoint_auth_method") == "private_key_jwt",
                ),
                ("domain", bool(tool.get("domain"))),
                ("target_link_uri", bool(tool.get("target_link_uri"))),
            )
            if not ok
        ]
        if problems:
            self._json(400, {"error": "invalid_client_metadata", "fields": problems})
            return
        platform.client_id = f"dyn-{len(platform.registrations) + 1}"
        platform.deployment_id = f"dyn-dep-{len(platform.registrations) + 1}"
        platform.registrations.append(request)
        answer = dict(request) | {
            "client_id": platform.client_id,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": tool
            | {"deployment_id": platform.deployment_id},
        }
        self._json(200, answer)

    def _deep_link_return(self, form: dict[str, list[str]]) -> None:
        platform = self.server.platform
        try:
            decoded = jwt.decode(
                form.get("JWT", [""])[0], platform.tool_key_set(), algorithms=["RS256"]
            )
        except Exception as exc:
            platform.errors.append(f"deep linking response: {exc}")
            self._json(401, {"error": "bad signature"})
            return
        claims = decoded.claims
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud or [])
        problems = []
        if claims.get("iss") != platform.client_id:
            problems.append("iss")
        if platform.issuer not in audiences:
            problems.append("aud")
        if claims.get(CLAIM + "message_type") != "LtiDeepLinkingResponse":
            problems.append("message_type")
        if claims.get(CLAIM + "version") != "1.3.0":
            problems.append("version")
        if claims.get(CLAIM + "deployment_id") != platform.deployment_id:
            problems.append("deployment_id")
        if claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/data") != "opaque-42":
            problems.append("data")
        if problems:
            platform.errors.append(f"deep linking response claims: {problems}")
            self._json(400, {"error": problems})
            return
        items = claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/content_items") or []
        platform.deep_link_returns.append(dict(claims))
        for item in items:
            link_id = f"link-{len(platform.links) + 1}"
            lineitem = None
            if item.get("lineItem"):
                lineitem = f"{platform.lineitems_url()}/{len(platform.lineitems) + 1}"
                platform.lineitems[lineitem] = {
                    "id": lineitem,
                    "resourceLinkId": link_id,
                    **item["lineItem"],
                }
            platform.links[link_id] = {
                "title": item.get("title", ""),
                "url": item.get("url", ""),
                "custom": item.get("custom", {}),
                "lineitem": lineitem,
            }
        self._send(200, b"<p>Placed.</p>", "text/html")

    def _score(self, lineitem_path: str, body: bytes) -> None:
        platform = self.server.platform
        if not self._bearer(AGS_SCOPES[1]):
            return
        if (
            self.headers.get("Content-Type", "").split(";")[0].strip()
            != "application/vnd.ims.lis.v1.score+json"
        ):
            self._json(415, {"error": "score media type expected"})
            return
        lineitem = platform.base_url + lineitem_path
        if lineitem not in platform.lineitems:
            self._json(404, {"error": "no such line item"})
            return
        if platform.fail_scores > 0:
            platform.fail_scores -= 1
            self._json(503, {"error": "try later"})
            return
        score = json.loads(body)
        required_ok = (
            isinstance(score.get("userId"), str)
            and isinstance(score.get("timestamp"), str)
            and score.get("activityProgress") in ACTIVITY
            and score.get("gradingProgress") in GRADING
        )
        given, maximum = score.get("scoreGiven"), score.get("scoreMaximum")
        if given is not None and (
            not isinstance(maximum, int | float) or given < 0 or given > maximum
        ):
            required_ok = False
        if not required_ok:
            self._json(400, {"error": "invalid score"})
            return
        platform.scores.append(score | {"lineitem": lineitem})
        self._send(204, b"")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    platform: LtiPlatform


@contextmanager
def running_platform(**options: Any) -> Iterator[LtiPlatform]:
    """Start the platform on 127.0.0.1 (a free port) for the duration of the block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    platform = LtiPlatform(**options)
    platform.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    server.platform = platform
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
