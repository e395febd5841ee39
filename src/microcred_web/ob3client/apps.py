from __future__ import annotations

from django.apps import AppConfig


class Ob3ClientConfig(AppConfig):
    name = "microcred_web.ob3client"
    label = "ob3client"
