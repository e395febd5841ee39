"""Who may open the operator console: instance operators only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from microcred_web.accounts.models import User

OperatorView = Callable[..., HttpResponseBase]


def operator_view(view: Callable[..., HttpResponseBase]) -> OperatorView:
    """Anonymous visitors sign in; signed-in people who are not operators get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))
        if not isinstance(request.user, User) or not request.user.is_operator:
            raise PermissionDenied("Instance operators only.")
        return view(request, request.user, *args, **kwargs)

    wrapped.__dict__["operator_only"] = True
    return wrapped
