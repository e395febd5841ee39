from __future__ import annotations

from django.apps import AppConfig


class RenderingConfig(AppConfig):
    name = "microcred_web.rendering"
    label = "rendering"
    verbose_name = "Certificates and badge images"
