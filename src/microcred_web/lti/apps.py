from __future__ import annotations

from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "microcred_web.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"

    def ready(self) -> None:
        from microcred_web.learning.signals import learning_recorded
        from microcred_web.lti.grades import on_learning_recorded

        learning_recorded.connect(on_learning_recorded, dispatch_uid="lti.grades")

        from microcred_web.common.scheduling import daily_job_register
        from microcred_web.lti.services import states_prune

        daily_job_register(
            "lti_states_prune",
            lambda now: states_prune(),
            "forget LTI login states and nonces older than a day",
        )
