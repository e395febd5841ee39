"""Sent after commit whenever an assessment is accepted (kwargs: ``organisation``,
``user_ids``). The awards app listens, evaluates award rules and issues."""

from __future__ import annotations

from django.dispatch import Signal

assessment_recorded = Signal()
