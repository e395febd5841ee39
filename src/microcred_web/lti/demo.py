"""The demo organisation's LMS: "Northwind Moodle" registered with one deployment, the
"Safe manual handling" course placed in its "Warehouse induction" course, Zoë's launch
mapped to her account and her score in the gradebook log. Loading it twice changes nothing.
(The Moodle address is an example: launches need a real Moodle pointed at this instance.)"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from microcred_web.accounts.models import User
from microcred_web.learning.models import Course
from microcred_web.lti import services
from microcred_web.lti.keys import signing_key
from microcred_web.lti.models import Identity, Platform, ResourceLink, ScoreOutbox, ScoreStatus
from microcred_web.orgs.models import Organisation

MOODLE = "https://moodle.northwind.example"
NAME = "Northwind Moodle"


@transaction.atomic
def demo_content_load() -> dict[str, int]:
    organisation = Organisation.objects.filter(slug="northwind").first()
    if organisation is None:
        return {}
    signing_key()  # the tool's key set is published from the first page view
    platform = Platform.objects.filter(organisation=organisation, name=NAME).first()
    if platform is None:
        platform = services.platform_create(
            organisation=organisation,
            actor=None,
            values={
                "name": NAME,
                "issuer": MOODLE,
                "client_id": "microcred-northwind",
                "deployment_ids": ["1"],
                "auth_login_url": f"{MOODLE}/mod/lti/auth.php",
                "token_url": f"{MOODLE}/mod/lti/token.php",
                "jwks_url": f"{MOODLE}/mod/lti/certs.php",
            },
        )
        _placement(platform)
    return {"LTI platforms": Platform.objects.filter(organisation=organisation).count()}


def _placement(platform: Platform) -> None:
    course = Course.objects.filter(
        organisation=platform.organisation, title="Safe manual handling"
    ).first()
    learner = User.objects.filter(email="learner@northwind.example").first()
    if course is None or learner is None:
        return
    link = ResourceLink.objects.create(
        platform=platform,
        deployment_id="1",
        resource_link_id="moodle-cm-42",
        context_id="moodle-course-7",
        context_title="Warehouse induction",
        course=course,
        lineitem_url=f"{MOODLE}/mod/lti/services.php/7/lineitems/12/lineitem?type_id=3",
        lineitems_url=f"{MOODLE}/mod/lti/services.php/7/lineitems?type_id=3",
        ags_scopes=[
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        ],
        memberships_url=f"{MOODLE}/mod/lti/services.php/CourseSection/7/bindings/3/memberships",
    )
    identity = Identity.objects.create(platform=platform, subject="moodle-user-15", user=learner)
    now = timezone.now()
    ScoreOutbox.objects.create(
        link=link,
        identity=identity,
        payload={
            "userId": identity.subject,
            "timestamp": now.isoformat(),
            "scoreGiven": 67,
            "scoreMaximum": 100,
            "activityProgress": "InProgress",
            "gradingProgress": "Pending",
        },
        status=ScoreStatus.SENT,
        attempts=1,
        next_attempt_at=now,
        sent_at=now,
    )
