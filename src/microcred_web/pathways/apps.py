from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "microcred_web.pathways"
    label = "pathways"
    verbose_name = _("Pathways")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microcred_web.awards.services import personal_rules_register
        from microcred_web.pathways.pinned import pinned_rules

        personal_rules_register(pinned_rules)

        from django.db.models.signals import post_save

        from microcred_web.pathways.recognition import on_imported
        from microcred_web.wallet.models import ImportedCredential

        # a new import may be a recognised credential: evaluate its owner's pathways
        post_save.connect(on_imported, sender=ImportedCredential, dispatch_uid="pathways.imported")

        from microcred_web.common.scheduling import daily_job_register
        from microcred_web.pathways.import_checks import imports_recheck_job, on_label_changed
        from microcred_web.wallet.signals import import_label_changed

        # a recognised credential revoked at its issuer after the import stops counting
        import_label_changed.connect(on_label_changed, dispatch_uid="pathways.import_label")
        daily_job_register(
            "imports_recheck",
            imports_recheck_job,
            "imported credentials verified again (pathway recognitions first)",
        )

        from microcred_web.common.domain_events import domain_event
        from microcred_web.pathways.webhook_events import on_domain_event

        # a goal awarded is a pathway completed (announced to webhooks)
        domain_event.connect(on_domain_event, dispatch_uid="pathways.completed")
