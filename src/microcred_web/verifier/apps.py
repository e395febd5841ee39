from __future__ import annotations

from django.apps import AppConfig


class VerifierConfig(AppConfig):
    name = "microcred_web.verifier"
    label = "verifier"
    verbose_name = "Public verification"
