from __future__ import annotations

from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "microcred_web.bulk"
    label = "bulk"
    verbose_name = "Bulk issuance"
