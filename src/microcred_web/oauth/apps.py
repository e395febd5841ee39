from __future__ import annotations

from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "microcred_web.oauth"
    label = "oauth"
