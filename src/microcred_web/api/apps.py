from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "microcred_web.api"
    label = "api"
