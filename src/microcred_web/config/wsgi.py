from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred_web.config.settings")
django_application = get_wsgi_application()  # sets Django up: the imports below need the apps

from microcred_web.common.lean import lean_routes  # noqa: E402
from microcred_web.common.serving import freeze_startup_objects  # noqa: E402

application = lean_routes(django_application)
freeze_startup_objects()
