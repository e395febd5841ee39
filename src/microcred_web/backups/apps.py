from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "microcred_web.backups"
    label = "backups"
    verbose_name = "Backups"
