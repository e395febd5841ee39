from __future__ import annotations

from django.apps import AppConfig


class Ob3Config(AppConfig):
    name = "microcred_web.ob3"
    label = "ob3"
