from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from onward.accounts import access, saml, services, sso
from onward.accounts.forms import (
    ChoosePasswordForm,
    IdentityProviderForm,
    PartnerForm,
    PartnershipChangeForm,
    SamlProviderForm,
    ScimTokenForm,
    SignInForm,
    TeamForm,
    TokenForm,
    UserCreateForm,
    UserUpdateForm,
)
from onward.accounts.models import IdentityProvider, Organisation, ScimToken, User
from onward.accounts.permissions import ROLES, ROLES_BY_KEY, Perm
from onward.accounts.selectors import user_has_confirmed_device
from onward.audit.services import audit_list, audit_view
from onward.core.forms_errors import apply_validation_error


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


# Signing in and out --------------------------------------------------------------------------


SIGNS_IN_WITH_PROVIDER = (
    "Your organisation signs in with its own work account: enter only your email address and continue"
)


def _sign_in_page(request: HttpRequest, form: SignInForm, *, sso_error: str = "", status: int = 200) -> HttpResponse:
    response = render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _safe_next(request) or "", "sso_error": sso_error},
        status=status,
    )
    # The form's answer may redirect to an organisation's provider: the page's policy allows those.
    origins = sso.provider_origins()
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    """Email address first: a domain whose organisation connected a provider goes there (ADR 24).

    Which way depends on the domain alone, so the page reveals nothing about whether an account
    exists. Every other address signs in with a password and two-factor sign-in, as before.
    """
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        email = request.POST.get("username", "")
        provider = sso.provider_for_email(email) if isinstance(email, str) and len(email) <= 254 else None
        if provider is not None:
            try:
                if provider.protocol == IdentityProvider.Protocol.SAML:
                    response = saml.start(request, provider)
                else:
                    response = sso.start(request, provider, email.strip())
                request.session[sso.NEXT_KEY] = _safe_next(request) or ""
                return response
            except sso.SignInRefused as refusal:
                sso.refusal_record(refusal, provider=provider)
                return _sign_in_page(request, SignInForm(request), sso_error=refusal.message)
        if form.is_valid():
            user = form.get_user()
            if sso.organisation_signs_in_with_provider(user):
                return _sign_in_page(request, SignInForm(request), sso_error=SIGNS_IN_WITH_PROVIDER)
            login(request, user)
            services.sign_in_record(user=user)
            return redirect(_safe_next(request) or "core:home")
    return _sign_in_page(request, form)


@login_not_required
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The organisation's provider sends the person back here; a bad answer signs nobody in."""
    if request.user.is_authenticated:
        return redirect("core:home")
    try:
        outcome = sso.finish(request)
    except sso.SignInRefused as refusal:
        sso.refusal_record(refusal)
        return _sign_in_page(request, SignInForm(request), sso_error=refusal.message, status=403)
    return _signed_in_through_provider(request, outcome)


def _signed_in_through_provider(request: HttpRequest, outcome: sso.Outcome) -> HttpResponse:
    target = request.session.pop(sso.NEXT_KEY, "")
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[sso.PROVIDER_KEY] = outcome.provider.pk
    if outcome.provider.mfa_replaces_code:
        request.session[sso.MFA_KEY] = True
    services.sign_in_record(
        user=outcome.user,
        summary="Signed in through the organisation's identity provider",
        organisation=outcome.provider.organisation,
    )
    if not (isinstance(target, str) and target and url_has_allowed_host_and_scheme(target, {request.get_host()})):
        target = ""
    return redirect(target or "core:home")


@login_not_required
def saml_metadata(request: HttpRequest, organisation: int) -> HttpResponse:
    """Onward's service provider metadata for one organisation: its administrator gives it to their IdP."""
    found = get_object_or_404(Organisation, pk=organisation)
    if saml.sp_key_pair() is None:
        return HttpResponse(
            "Onward's SAML key and certificate are not set up yet", status=503, content_type="text/plain"
        )
    return HttpResponse(saml.sp_metadata(request, found), content_type="application/samlmetadata+xml")


@csrf_exempt  # the identity provider posts here from its own site; the response is bound to the session instead
@login_not_required
@require_POST
def saml_acs(request: HttpRequest, organisation: int) -> HttpResponse:
    """The organisation's identity provider posts its SAML response here; a bad one signs nobody in.

    The session cookie is SameSite=Lax, so a browser leaves it off the identity provider's
    cross-site post: the first post gets a page that posts the same response again from
    Onward's own site (by itself, or with its button), and that second post carries the session.
    """
    if request.user.is_authenticated:
        return redirect("core:home")
    if saml.PENDING_KEY not in request.session and request.POST.get("onward_continue") != "1":
        return render(
            request,
            "accounts/saml_continue.html",
            {"saml_response": request.POST.get("SAMLResponse", "")[:1_000_000]},
        )
    try:
        outcome = saml.finish(request, organisation)
    except sso.SignInRefused as refusal:
        sso.refusal_record(refusal)
        return _sign_in_page(request, SignInForm(request), sso_error=refusal.message, status=403)
    return _signed_in_through_provider(request, outcome)


@require_POST
@access.require_perm()
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.sign_out_record(user=request.user)
    logout(request)
    return redirect("accounts:signed-out")


@login_not_required
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html", {"timed_out": request.GET.get("reason") == "timeout"})


@require_POST
@access.require_perm()
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Renews the session (every request does); the timeout warning's "Stay signed in" calls it."""
    return HttpResponse(status=204)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A user chooses their password from a link an administrator gave them."""

    template_name = "accounts/set_password.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:password-set")
    post_reset_login = False


set_password = login_not_required(SetPasswordView.as_view())


@login_not_required
def password_set(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_set.html")


# Two-factor sign-in --------------------------------------------------------------------------


CODE_MESSAGES = {
    services.CodeCheck.WRONG: "The code is not correct: check the time on your phone and enter the newest code",
    services.CodeCheck.THROTTLED: "Too many incorrect codes: wait a minute, then enter the newest code",
}


@access.require_perm()
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user_has_confirmed_device(user=user):
        return redirect("accounts:two-factor-verify")
    device = services.two_factor_device_start(user=user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.two_factor_device_confirm(user=user, token=form.cleaned_data["token"])
        if result == services.CodeCheck.ACCEPTED:
            otp_login(request, TOTPDevice.objects.get(user=user, confirmed=True))
            messages.success(request, "Two-factor sign-in is set up")
            return redirect("core:home")
        form.add_error("token", CODE_MESSAGES[result])
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, title="QR code to add Onward to your authenticator app")
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(svg),  # noqa: S308 - SVG made by segno from our own URL
            "secret": " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4)),
        },
    )


@access.require_perm()
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user_has_confirmed_device(user=user):
        return redirect("accounts:two-factor-setup")
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect("core:home")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result, device = services.two_factor_check(user=user, token=form.cleaned_data["token"])
        if result == services.CodeCheck.ACCEPTED:
            otp_login(request, device)
            services.sign_in_record(user=user, second_factor=True)
            return redirect("core:home")
        form.add_error("token", CODE_MESSAGES[result])
    return render(request, "accounts/two_factor_verify.html", {"form": form})


# Your account --------------------------------------------------------------------------------


@access.require_perm()
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/account.html",
        {"account": user, "teams": user.teams.all(), "has_device": user_has_confirmed_device(user=user)},
    )


# Teams ---------------------------------------------------------------------------------------


@access.require_perm(council_staff=True)
def team_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_council_staff:
        raise PermissionDenied
    teams = access.teams_visible_to(user).prefetch_related("members")
    return render(request, "accounts/team_list.html", {"teams": teams, "can_manage": user.can(Perm.MANAGE_TEAMS)})


@access.require_perm()
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    team = access.access_team(user, pk)
    members = team.members.filter(is_active=True).order_by("family_name", "given_name")
    return render(
        request,
        "accounts/team_detail.html",
        {"team": team, "members": members, "can_manage": user.can(Perm.MANAGE_TEAMS)},
    )


@access.require_perm(Perm.MANAGE_TEAMS)
def team_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    council = access.council_of(user)
    assert council is not None  # noqa: S101 - MANAGE_TEAMS is a council role
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                acting_user=user,
                council=council,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Team {team.name} added")
            return redirect("accounts:team-detail", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": None})


@access.require_perm(Perm.MANAGE_TEAMS)
def team_update(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    team = access.access_team(user, pk, for_change=True)
    form = TeamForm(
        request.POST if request.method == "POST" else None,
        initial={"name": team.name, "description": team.description, "version": team.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_update(
                acting_user=user,
                team=team,
                version=form.cleaned_data["version"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Team {team.name} saved")
            return redirect("accounts:team-detail", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": team})


# Users ---------------------------------------------------------------------------------------


MAX_SEARCH_LENGTH = 200


@access.require_perm(Perm.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    users = access.users_visible_to(user).prefetch_related("groups", "teams")
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if len(query) > MAX_SEARCH_LENGTH:
        messages.error(request, f"Search must be {MAX_SEARCH_LENGTH} characters or fewer")
        query = ""
    if query:
        users = users.filter(
            Q(email__icontains=query) | Q(given_name__icontains=query) | Q(family_name__icontains=query)
        )
    if role in ROLES_BY_KEY:
        users = users.filter(groups__name=role)
    page = Paginator(users.order_by("family_name", "given_name", "pk"), 50).get_page(request.GET.get("page"))
    audit_list(
        actor=user,
        council=user.organisation,
        object_type="accounts.User",
        summary=f"Users list (search: {query!r}, role: {role!r}, page {page.number})",
    )
    return render(request, "accounts/user_list.html", {"page": page, "query": query, "role": role, "roles": ROLES})


@access.require_perm(Perm.MANAGE_USERS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    subject = access.access_user(user, pk)
    audit_view(actor=user, council=user.organisation, obj=subject)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "teams": subject.teams.all(),
            "has_device": user_has_confirmed_device(user=subject),
            "set_password_path": request.session.pop(f"set-password-{subject.pk}", None),
        },
    )


@access.require_perm(Perm.MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    organisations = access.assignable_organisations(user)
    form = UserCreateForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        teams=access.teams_visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                acting_user=user,
                organisation=data["organisation"],
                email=data["email"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                job_title=data["job_title"],
                role_keys=set(data["roles"]),
                teams=list(data["teams"]),
            )
            link = services.user_set_password_link(acting_user=user, user=created)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session[f"set-password-{created.pk}"] = link
            messages.success(request, f"{created.full_name} added")
            return redirect("accounts:user-detail", pk=created.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": None})


@access.require_perm(Perm.MANAGE_USERS)
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    subject = access.access_user(user, pk)
    initial: dict[str, Any] = {
        "given_name": subject.given_name,
        "family_name": subject.family_name,
        "job_title": subject.job_title,
        "roles": sorted(subject.role_keys),
        "teams": list(subject.teams.all()),
        "is_active": "yes" if subject.is_active else "no",
        "version": subject.version,
    }
    teams = access.teams_visible_to(user)
    form = UserUpdateForm(request.POST if request.method == "POST" else None, initial=initial, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject = services.user_update(
                acting_user=user,
                user=subject,
                version=data["version"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                job_title=data["job_title"],
                role_keys=set(data["roles"]),
                teams=list(data["teams"]),
                is_active=data["is_active"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{subject.full_name} saved")
            return redirect("accounts:user-detail", pk=subject.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": subject})


@require_POST
@access.require_perm(Perm.MANAGE_USERS)
def user_set_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    subject = access.access_user(user, pk)
    try:
        link = services.user_set_password_link(acting_user=user, user=subject)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        request.session[f"set-password-{subject.pk}"] = link
    return redirect("accounts:user-detail", pk=subject.pk)


@require_POST
@access.require_perm(Perm.MANAGE_USERS)
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    subject = access.access_user(user, pk)
    try:
        services.user_two_factor_reset(acting_user=user, user=subject)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Two-factor sign-in reset: {subject.given_name} sets up an authenticator app at their next sign-in",
        )
    return redirect("accounts:user-detail", pk=subject.pk)


# Partner organisations and partnership links (ADR 14) -----------------------------------------


@access.require_perm(Perm.MANAGE_ORGANISATIONS)
def partner_list(request: HttpRequest) -> HttpResponse:
    """The council's links to partner organisations, in every state (invited, accepted, declined, ended)."""
    user: User = request.user  # type: ignore[assignment]
    access.own_council(user)
    links = access.partnerships_visible_to(user).order_by("partner__name", "-created_at", "-pk")
    return render(request, "accounts/partner_list.html", {"links": links})


def _partner_detail_page(request: HttpRequest, partner: Any, *, error: str = "", status: int = 200) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    links = access.partnerships_visible_to(user).filter(partner=partner).order_by("-created_at", "-pk")
    return render(
        request,
        "accounts/partner_detail.html",
        {
            "partner": partner,
            "links": links,
            "open_link": next((link for link in links if link.status in ("invited", "accepted")), None),
            "error": error,
            "first_admin_link": request.session.pop(f"first-admin-link-{partner.pk}", None),
        },
        status=status,
    )


@access.require_perm(Perm.MANAGE_ORGANISATIONS)
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return _partner_detail_page(request, access.access_partner_organisation(user, pk))


@access.require_perm(Perm.MANAGE_ORGANISATIONS)
def partner_add(request: HttpRequest) -> HttpResponse:
    """Invite an organisation; a new one is registered with its first partner administrator."""
    user: User = request.user  # type: ignore[assignment]
    council = access.own_council(user)
    form = PartnerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, first, path = services.partner_invite(
                acting_user=user,
                council=council,
                name=data["name"],
                kind=data["kind"],
                admin_email=data["admin_email"],
                admin_given_name=data["admin_given_name"],
                admin_family_name=data["admin_family_name"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if first is not None:
                request.session[f"first-admin-link-{link.partner_id}"] = {"path": path, "name": first.full_name}
            messages.success(
                request, f"{link.partner.name} is invited: the link counts once their administrator accepts it"
            )
            return redirect("accounts:partner-detail", pk=link.partner_id)
    return render(request, "accounts/partner_form.html", {"form": form})


@access.require_perm(Perm.ANSWER_PARTNERSHIPS)
def partnership_list(request: HttpRequest) -> HttpResponse:
    """A partner administrator's page: councils' invitations to their organisation and the links in force."""
    return _partnership_list_page(request)


def _partnership_list_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    links = access.partnerships_visible_to(user).order_by("council__name", "-created_at", "-pk")
    return render(request, "accounts/partnership_list.html", {"links": links, "error": error}, status=status)


@require_POST
@access.require_perm(any_of=(Perm.MANAGE_ORGANISATIONS, Perm.ANSWER_PARTNERSHIPS))
def partnership_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, decline or end a link (the service decides which side may do what)."""
    user: User = request.user  # type: ignore[assignment]
    if not user.can_any((Perm.MANAGE_ORGANISATIONS, Perm.ANSWER_PARTNERSHIPS)):
        raise PermissionDenied
    link = access.access_partnership(user, pk)
    on_council_side = link.council_id == user.organisation_id
    form = PartnershipChangeForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Select what to do with the partnership"
    else:
        try:
            changed = services.partnership_change(
                acting_user=user, link=link, action=form.cleaned_data["action"], version=form.cleaned_data["version"]
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            action = form.cleaned_data["action"]
            key = action if action in ("allow_triage", "stop_triage") else changed.status
            messages.success(request, PARTNERSHIP_MESSAGES[key].format(link=changed))
            if on_council_side:
                return redirect("accounts:partner-detail", pk=changed.partner_id)
            return redirect("accounts:partnership-list")
    if on_council_side:
        return _partner_detail_page(request, link.partner, error=error)
    return _partnership_list_page(request, error=error)


PARTNERSHIP_MESSAGES = {
    "accepted": "{link.partner.name} now works with {link.council.name}",
    "declined": "You declined {link.council.name}'s invitation",
    "ended": "The partnership between {link.partner.name} and {link.council.name} has ended",
    "allow_triage": "{link.partner.name} may now triage the council's referrals",
    "stop_triage": "{link.partner.name} no longer triages the council's referrals",
}


# Single sign-on and provisioning settings (ADR 24) --------------------------------------------


def _own_domains(user: User) -> list[str]:
    """The organisation's verified email domains: the only ones its identity provider may allow."""
    return list(user.organisation.email_domains.values_list("domain", flat=True))


def _sign_in_settings_page(request: HttpRequest, form: IdentityProviderForm, token_form: ScimTokenForm) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    provider = IdentityProvider.objects.filter(organisation=user.organisation).first()
    tokens = ScimToken.objects.filter(organisation=user.organisation)
    return render(
        request,
        "accounts/sign_in_settings.html",
        {
            "form": form,
            "token_form": token_form,
            "provider": provider,
            "tokens": tokens,
            "new_token": request.session.pop("new-scim-token", ""),
            "callback_url": sso.callback_url(request),
            "scim_url": request.build_absolute_uri(reverse("accounts:scim-users")).removesuffix("/Users"),
            "secret_is_set": bool(provider and sso.client_secret(provider)),
            "own_domains": _own_domains(user),
        },
    )


OIDC_FIELDS = ("issuer", "client_id", "client_secret_env")


def _connection_initial(provider: IdentityProvider | None, protocol: str, *fields: str) -> dict[str, Any]:
    """The connection form's starting values: the provider's, when it uses ``protocol``; otherwise
    defaults, carrying the row's version (saving the form replaces a connection of the other protocol)."""
    if provider is None or provider.protocol != protocol:
        return {"mfa_replaces_code": "no", "enabled": "yes", "version": provider.version if provider else None}
    return {
        **{name: getattr(provider, name) for name in (*fields, "allowed_domains")},
        "mfa_replaces_code": "yes" if provider.mfa_replaces_code else "no",
        "enabled": "yes" if provider.enabled else "no",
        "version": provider.version,
    }


@access.require_perm(Perm.MANAGE_USERS)
def sign_in_settings(request: HttpRequest) -> HttpResponse:
    """The organisation's own identity provider and provisioning tokens; its administrator's page."""
    user: User = request.user  # type: ignore[assignment]
    provider = IdentityProvider.objects.filter(organisation=user.organisation).first()
    form = IdentityProviderForm(
        request.POST if request.method == "POST" else None,
        initial=_connection_initial(provider, IdentityProvider.Protocol.OIDC, *OIDC_FIELDS),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.identity_provider_save(
                acting_user=user,
                organisation=user.organisation,
                version=data["version"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret_env=data["client_secret_env"],
                allowed_domains=data["allowed_domains"],
                mfa_replaces_code=data["mfa_replaces_code"],
                enabled=data["enabled"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your organisation's sign-in is saved: its users sign in again")
            return redirect("accounts:sign-in-settings")
    return _sign_in_settings_page(request, form, ScimTokenForm())


@require_POST
@access.require_perm(Perm.MANAGE_USERS)
def scim_token_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    provider = IdentityProvider.objects.filter(organisation=user.organisation).first()
    token_form = ScimTokenForm(request.POST)
    form = IdentityProviderForm(initial=_connection_initial(provider, IdentityProvider.Protocol.OIDC, *OIDC_FIELDS))
    if token_form.is_valid():
        try:
            _token, secret = services.scim_token_create(
                acting_user=user, organisation=user.organisation, name=token_form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_validation_error(token_form, error)
        else:
            request.session["new-scim-token"] = secret
            return redirect("accounts:sign-in-settings")
    return _sign_in_settings_page(request, form, token_form)


@require_POST
@access.require_perm(Perm.MANAGE_USERS)
def scim_token_revoke(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token_id = request.POST.get("token", "")
    token = (
        ScimToken.objects.filter(organisation=user.organisation, pk=int(token_id)).first()
        if token_id.isdigit() and len(token_id) < 12
        else None
    )
    if token is None:
        messages.error(request, "Select a token of your own organisation to revoke")
    else:
        services.scim_token_revoke(acting_user=user, token=token)
        messages.success(request, f"The token {token.name} is revoked: the directory can no longer use it")
    return redirect("accounts:sign-in-settings")


@access.require_perm(Perm.MANAGE_USERS)
def saml_settings(request: HttpRequest) -> HttpResponse:
    """The organisation's SAML 2.0 identity provider (ADR 32); its administrator's page."""
    user: User = request.user  # type: ignore[assignment]
    provider = IdentityProvider.objects.filter(organisation=user.organisation).first()
    form = SamlProviderForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=_connection_initial(provider, IdentityProvider.Protocol.SAML, "saml_metadata"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.saml_provider_save(
                acting_user=user,
                organisation=user.organisation,
                version=data["version"],
                metadata=data["saml_metadata"],
                allowed_domains=data["allowed_domains"],
                mfa_replaces_code=data["mfa_replaces_code"],
                enabled=data["enabled"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your organisation's SAML sign-in is saved: its users sign in again")
            return redirect("accounts:sign-in-settings")
    return render(
        request,
        "accounts/saml_settings.html",
        {
            "form": form,
            "provider": provider if provider and provider.protocol == IdentityProvider.Protocol.SAML else None,
            "metadata_url": saml.sp_entity_id(request, user.organisation_id),
            "acs_url": saml.acs_url(request, user.organisation_id),
            "key_is_set": saml.sp_key_pair() is not None,
            "own_domains": _own_domains(user),
        },
    )
