from __future__ import annotations

from django.apps import AppConfig


class InstanceConfig(AppConfig):
    name = "microcred_web.instance"
    label = "instance"
    verbose_name = "Instance operation"
