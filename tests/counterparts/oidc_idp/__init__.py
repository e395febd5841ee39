"""A small OpenID Provider for tests: django-oauth-toolkit with OIDC on, in its own process.

Implements, through django-oauth-toolkit: OpenID Connect Discovery 1.0 §3-4 (the
``/.well-known/openid-configuration`` document), Core 1.0 §3.1 (authorization code flow, with
PKCE S256 from RFC 7636), §2 (ID tokens signed RS256 with a key generated at start, published
at ``jwks_uri``), §5.1 standard claims plus a ``groups`` claim, and RP-Initiated Logout 1.0
(``end_session_endpoint``). See :mod:`tests.counterparts.oidc_idp.serve` for how it runs.
"""
