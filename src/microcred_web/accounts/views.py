from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred_web.accounts import services
from microcred_web.accounts.forms import ProfileForm, QueuedPasswordResetForm, SignInForm
from microcred_web.accounts.models import User
from microcred_web.common.errors import ApplicationError
from microcred_web.common.http import client_address


def safe_next(request: HttpRequest, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def sign_in_user(request: HttpRequest, form: SignInForm) -> tuple[User | None, int]:
    """Check the throttle, then the password; puts errors on ``form``.

    Returns the signed-in user (or None) and the HTTP status for a re-rendered form.
    """
    email = form.cleaned_data["email"].strip().lower()
    client = client_address(request)
    try:
        services.sign_in_throttle_check(email=email, client=client)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None, error.status
    user = authenticate(request, email=email, password=form.cleaned_data["password"])
    if not isinstance(user, User):
        services.sign_in_failure_record(email=email, client=client)
        form.add_error(None, _("The e-mail address or the password is not right."))
        return None, 400
    if not services.sign_in_allowed(user=user):
        form.add_error(
            None,
            _(
                "Your organisation's account is suspended, so signing in is paused. Credentials "
                "already issued can still be verified. Contact your administrator."
            ),
        )
        return None, 403
    refusal = services.password_sign_in_refusal(user=user)
    if refusal:
        form.add_error(None, refusal)
        return None, 403
    login(request, user)
    services.sign_in_success_record(user=user, client=client)
    return user, 200


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        user, status = sign_in_user(request, form)
        if user is not None:
            response = HttpResponseRedirect(safe_next(request))
            if user.preferred_language:
                remember_language(response, user.preferred_language)
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": safe_next(request, ""), "throttled": status == 429},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # set at single sign-on: the identity provider's end-session URL (RP-initiated logout)
    end_session = str(request.session.get("sso.end_session_url") or "")
    logout(request)
    if end_session.startswith(("https://", "http://")):
        return HttpResponseRedirect(end_session)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:sign_in")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    initial = {
        "display_name": user.display_name,
        "preferred_language": user.preferred_language or translation.get_language(),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(
                user=user,
                display_name=form.cleaned_data["display_name"],
                preferred_language=form.cleaned_data["preferred_language"],
                ip=client_address(request),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile is saved."))
            return remember_language(redirect("accounts:profile"), user.preferred_language)
    return render(
        request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ApplicationError("language_unknown", _("Choose one of the offered languages."))
    if isinstance(request.user, User) and request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    return remember_language(HttpResponseRedirect(safe_next(request)), language)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset.subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["login_url"] = reverse("accounts:sign_in")
        return context
