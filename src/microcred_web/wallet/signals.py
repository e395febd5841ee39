"""Signals other apps listen to (pathways re-evaluate a learner whose import changed)."""

from __future__ import annotations

import django.dispatch

#: sent inside the transaction of a re-check whose verification label changed, with
#: ``imported`` (the ImportedCredential, already updated) and ``previous_label``
import_label_changed = django.dispatch.Signal()
