"""The young people's own service (``/my/``) and the staff pages that open and end it.

The young person's pages are wrapped in :func:`onward.portal.access.young_person_required` and read
only through :mod:`onward.portal.access`; the staff pages use the staff policy
(``require_perm`` and ``access_person``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from onward.accounts import access as staff_access
from onward.accounts.models import User
from onward.accounts.permissions import Perm
from onward.core.forms_errors import apply_validation_error
from onward.opportunities.selectors import suggested_opportunities
from onward.people import access as people_access
from onward.people import selectors as people_selectors
from onward.portal import access, data_rights, forms, selectors, services
from onward.portal.access import young_person_required
from onward.portal.models import PortalAccount, ReturnerEnquiry
from onward.supporters import letters

SESSION_EMAIL = "portal_sign_in_email"


def _account(request: HttpRequest) -> PortalAccount:
    return request.portal_account  # type: ignore[attr-defined,no-any-return]


# Signing in -----------------------------------------------------------------------------------


@login_not_required
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the young person's email address. The answer is the same whether or not it has an account."""
    if access.portal_account(request) is not None:
        return redirect("my:home")
    form = forms.EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.code_send(email=form.cleaned_data["email"])
        request.session[SESSION_EMAIL] = form.cleaned_data["email"]
        return redirect("my:code")
    return render(request, "portal/sign_in.html", {"form": form})


@login_not_required
@never_cache
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the email. Signing in starts a fresh, short session."""
    email = request.session.get(SESSION_EMAIL)
    if not email:
        return redirect("my:sign-in")
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        account = services.code_check(email=email, code=form.cleaned_data["code"])
        if account is None:
            form.add_error("code", "The code is wrong or has expired: check the email, or ask for a new code")
        else:
            if request.user.is_authenticated:
                from django.contrib.auth import logout

                logout(request)
            request.session.flush()
            request.session[access.SESSION_ACCOUNT] = account.pk
            request.session[access.SESSION_EPOCH] = account.session_epoch
            request.session[access.SESSION_STARTED] = timezone.now().timestamp()
            request.session.set_expiry(settings.ONWARD_PORTAL_SESSION_IDLE_MINUTES * 60)
            return redirect("my:home")
    return render(request, "portal/code.html", {"form": form, "email": email})


@require_POST
@young_person_required
def sign_out(request: HttpRequest) -> HttpResponse:
    services.signed_out(account=_account(request))
    request.session.flush()
    return redirect("my:signed-out")


@login_not_required
@never_cache
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/signed_out.html", {"reason": request.GET.get("reason", "")})


# Their page -----------------------------------------------------------------------------------


@young_person_required
def home(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    day = people_selectors.today()
    page = selectors.my_page(account, day)
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "check_in_due": selectors.check_in_due(page.last_check_in, day),
            "open_survey": selectors.open_survey(account, day),
            "closure_letter": letters.latest_closure_for_letter(account.person) is not None,
        },
    )


@young_person_required
def closure_letter(request: HttpRequest) -> HttpResponse:
    """The young person's own copy of their case closure letter (issue 27): what support remains, until when,
    and how to ask again. The same letter staff make; 404 when there is none (no closure, or after a death)."""
    account = _account(request)
    found = letters.own_closure_letter(person=account.person, day=people_selectors.today())
    if found is None:
        raise Http404
    closure, letter = found
    services.closure_letter_audit(account=account, closure=closure)
    response = HttpResponse(letters.build_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.file_name}"'
    return response


@young_person_required
def eet_wrong(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    spell = people_selectors.eet_spell_on(account.person, people_selectors.today())
    form = forms.EetWrongForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.eet_wrong(account=account, spell=spell, text=form.cleaned_data["text"])
        messages.success(request, "Thank you. Your adviser will check and correct your record.")
        return redirect("my:home")
    return render(request, "portal/eet_wrong.html", {"form": form, "spell": spell})


@young_person_required
def your_data(request: HttpRequest) -> HttpResponse:
    """Their requests about their records (a copy, a correction) and where each is; they ask for a copy here."""
    account = _account(request)
    rights = data_rights.registered()
    if rights is None:
        raise Http404
    if request.method == "POST":
        try:
            asked = services.copy_ask(account=account)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"We have your request. We will send you a copy by {asked.due_on:%-d %B %Y}.")
        return redirect("my:your-data")
    return render(request, "portal/your_data.html", {"requests": rights.requests_of(account.person)})


@young_person_required
def goal_add(request: HttpRequest, goal_pk: int | None = None) -> HttpResponse:
    account = _account(request)
    goal = access.access_goal(account, goal_pk) if goal_pk is not None else None
    if goal is not None and goal.goal_id is not None:
        goal = access.access_goal(account, goal.goal_id)
    form_class = forms.ActionForm if goal is not None else forms.GoalForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_add(
                account=account,
                person=account.person,
                goal=goal,
                area=data.get("area", ""),
                text=data["text"],
                owner=data["owner"],
                owner_name=data.get("owner_name", ""),
                deadline=data.get("deadline"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Added to your plan")
            return redirect("my:home")
    return render(request, "portal/goal_form.html", {"form": form, "goal": goal})


@require_POST
@young_person_required
def goal_done(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request)
    goal = access.access_goal(account, pk)
    try:
        services.goal_done(goal=goal, account=account)
    except ValidationError:
        pass  # already done: nothing changes
    else:
        messages.success(request, f"Marked done: {goal.text}")
    return redirect("my:home")


@young_person_required
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request)
    referral = access.access_referral(account, pk)
    consent = getattr(referral, "consent", None) if hasattr(referral, "consent") else None
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if consent is not None and consent.withdrawn_at is None and request.method == "POST" and form.is_valid():
        services.consent_withdraw(account=account, referral=referral, reason=form.cleaned_data["reason"])
        messages.success(request, "You have withdrawn your consent. Nothing more will be shared about this referral.")
        return redirect("my:home")
    return render(request, "portal/consent_withdraw.html", {"form": form, "referral": referral, "consent": consent})


@young_person_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request)
    send = access.access_send(account, pk)
    form = forms.FeedbackForm(request.POST if request.method == "POST" else None, provider=send.service.provider.name)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_feedback(
                account=account,
                send=send,
                rating=int(form.cleaned_data["rating"]),
                text=form.cleaned_data["text"],
                share=form.cleaned_data["share"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Thank you for your feedback")
            return redirect("my:home")
    return render(request, "portal/feedback.html", {"form": form, "send": send})


# Opportunities and check-ins ------------------------------------------------------------------


@young_person_required
def opportunities(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    day = people_selectors.today()
    found = suggested_opportunities(account.person, access.opportunities_for(account), day)
    told = set(
        access.statements_of(account)
        .filter(kind="interested", resolved_at__isnull=True)
        .values_list("opportunity_id", flat=True)
    )
    return render(request, "portal/opportunities.html", {"opportunities": found, "told": told})


@young_person_required
def interested(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request)
    opportunity = access.access_opportunity(account, pk, day=people_selectors.today())
    form = forms.InterestedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interested(account=account, opportunity=opportunity, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "We have told your adviser. They will get in touch to talk it through.")
            return redirect("my:opportunities")
    return render(request, "portal/interested.html", {"form": form, "opportunity": opportunity})


@young_person_required
def check_in(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = forms.CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        statement = services.check_in(
            account=account, mood=data["mood"], wants_help=data["wants_help"], text=data["text"]
        )
        if statement.wants_help:
            messages.success(
                request, f"Thank you. Your adviser will get in touch by {statement.task_due_on:%-d %B %Y}."
            )
        else:
            messages.success(request, "Thank you for checking in")
        return redirect("my:home")
    return render(request, "portal/check_in.html", {"form": form})


# Staff ----------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@staff_access.require_perm(Perm.CHANGE_PEOPLE)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """An adviser opens the young person's own service, with their consent recorded."""
    user = _user(request)
    person = access.access_person_for_staff(user, pk, for_change=True)
    initial = {"email": person.email}
    form = forms.InviteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_invite(
                acting_user=user,
                person=person,
                email=data["email"],
                consent_given_on=data["consent_given_on"],
                consent_method=data["consent_method"],
                sign_in_url=request.build_absolute_uri("/my/sign-in/"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{person.display_name} has been emailed how to sign in")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "portal/staff/invite.html", {"form": form, "person": person})


@staff_access.require_perm(Perm.CHANGE_PEOPLE)
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """End the young person's access at once."""
    user = _user(request)
    person = access.access_person_for_staff(user, pk, for_change=True)
    account = PortalAccount.objects.filter(person=person).first()
    form = forms.EndForm(request.POST if request.method == "POST" else None)
    if account is not None and account.is_open and request.method == "POST" and form.is_valid():
        try:
            services.account_end(acting_user=user, account=account, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{person.display_name} can no longer sign in to their own service")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "portal/staff/end.html", {"form": form, "person": person, "account": account})


@staff_access.require_perm(Perm.CHANGE_PEOPLE)
def resolve(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    """Record what was done about something the young person said."""
    user = _user(request)
    person = access.access_person_for_staff(user, pk, for_change=True)
    statement = access.access_statement_for_staff(user, person, statement_pk)
    rights = data_rights.registered()
    correction = rights.correction_page(statement) if rights is not None else None
    if correction is not None:
        # "This is wrong" opened a request to correct the record: it is answered there, in one decision.
        return redirect(correction)
    form = forms.ResolveForm(request.POST if request.method == "POST" else None)
    if statement.resolved_at is None and request.method == "POST" and form.is_valid():
        try:
            services.statement_resolve(acting_user=user, statement=statement, response=form.cleaned_data["response"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Recorded")
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "portal/staff/resolve.html", {"form": form, "person": person, "statement": statement})


@login_not_required
@never_cache
def leave(request: HttpRequest) -> HttpResponse:
    """'Leave this site': ends any portal session here and goes to a neutral site at once."""
    if not request.user.is_authenticated:
        request.session.flush()
    return redirect(settings.ONWARD_PORTAL_EXIT_URL)


def _publishing(request: HttpRequest) -> bool:
    """The editor pressed "Save and publish" (only the pressed button is sent; both means a plain save)."""
    return "publish" in request.POST and "save" not in request.POST


# The local offer ------------------------------------------------------------------------------


@login_not_required
def offer_public(request: HttpRequest, council: int, number: int | None = None) -> HttpResponse:
    """A council's local offer, public: no sign-in, nothing about anyone."""
    page = selectors.offer_in_force(council, number)
    if page is None:
        raise Http404
    return render(request, "portal/offer.html", {"page": page, "public": True})


@young_person_required
def my_offer(request: HttpRequest) -> HttpResponse:
    """The local offer in the young person's own page, where they can comment on it."""
    account = _account(request)
    page = selectors.offer_in_force(account.person.council_id)
    form = forms.CommentForm(request.POST if request.method == "POST" else None)
    if page is not None and request.method == "POST" and form.is_valid():
        try:
            services.offer_comment(account=account, offer=page.offer, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Thank you. The leaving care team reads every comment.")
            return redirect("my:local-offer")
    return render(request, "portal/offer.html", {"page": page, "form": form, "public": False})


@staff_access.require_perm(Perm.MANAGE_PORTAL)
def offer_list(request: HttpRequest) -> HttpResponse:
    """The council's local offer: its versions, a draft to start or change, and young people's comments."""
    user = _user(request)
    council = staff_access.own_council(user)
    offers = access.offers_managed_by(user)
    if request.method == "POST":
        try:
            draft = services.offer_draft_start(acting_user=user, council=council)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            return redirect("portal:offer-edit", pk=draft.pk)
    return render(
        request,
        "portal/staff/offer_list.html",
        {
            "offers": offers.select_related("published_by", "created_by"),
            "comments": access.offer_comments_for(user),
            "council": council,
        },
    )


@staff_access.require_perm(Perm.MANAGE_PORTAL)
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    offer = access.access_offer_for_change(user, pk)
    if offer.status != offer.Status.DRAFT:
        return redirect("local-offer:version", council=offer.council_id, number=offer.number)
    initial: dict[str, object] = {"introduction": offer.introduction, "version": offer.version}
    for section in offer.sections.all():
        for name in ("text", "entitlements", "contacts"):
            initial[f"{section.heading}__{name}"] = getattr(section, name)
    form = forms.OfferForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.offer_draft_save(
                    acting_user=user,
                    offer=offer,
                    introduction=form.cleaned_data["introduction"],
                    sections=form.sections(),
                    version=form.cleaned_data["version"],
                )
                if _publishing(request):
                    services.offer_publish(acting_user=user, offer=offer)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Published" if _publishing(request) else "Draft saved")
            return redirect("portal:offer-list")
    return render(request, "portal/staff/offer_form.html", {"form": form, "offer": offer})


# The well-being survey ------------------------------------------------------------------------


@staff_access.require_perm(Perm.MANAGE_PORTAL)
def surveys(request: HttpRequest) -> HttpResponse:
    """The question bank, the surveys scheduled and what they found (averages only)."""
    user = _user(request)
    council = staff_access.own_council(user)
    bank = access.questions_managed_by(user)
    question_form = forms.QuestionForm(request.POST if "add_question" in request.POST else None, prefix="question")
    survey_form = forms.SurveyForm(
        request.POST if "schedule" in request.POST else None,
        prefix="survey",
        questions=bank.filter(retired_at__isnull=True),
    )
    if request.method == "POST" and "add_question" in request.POST and question_form.is_valid():
        services.question_add(acting_user=user, council=council, **question_form.cleaned_data)
        messages.success(request, "Question added to the bank")
        return redirect("portal:surveys")
    if request.method == "POST" and "schedule" in request.POST and survey_form.is_valid():
        data = survey_form.cleaned_data
        try:
            services.survey_schedule(
                acting_user=user,
                council=council,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                questions=list(data["questions"]),
            )
        except ValidationError as error:
            apply_validation_error(survey_form, error)
        else:
            messages.success(request, "Survey scheduled")
            return redirect("portal:surveys")
    scheduled = access.surveys_managed_by(user).prefetch_related("questions", "responses")
    return render(
        request,
        "portal/staff/surveys.html",
        {
            "bank": bank,
            "question_form": question_form,
            "survey_form": survey_form,
            "surveys": [(s, selectors.survey_results(s)) for s in scheduled],
        },
    )


@require_POST
@staff_access.require_perm(Perm.MANAGE_PORTAL)
def question_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    services.question_retire(acting_user=user, question=access.access_question_for_change(user, pk))
    messages.success(request, "Question retired: new surveys will not ask it")
    return redirect("portal:surveys")


@young_person_required
def survey(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    found = selectors.open_survey(account, people_selectors.today())
    if found is None:
        return render(request, "portal/survey.html", {"survey": None})
    form = forms.AnswerForm(request.POST if request.method == "POST" else None, survey=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(account=account, survey=found, answers=dict(form.cleaned_data))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Thank you for answering the survey")
            return redirect("my:home")
    return render(request, "portal/survey.html", {"survey": found, "form": form})


# "You said, we did" and the feedback counts ---------------------------------------------------


@staff_access.require_perm(Perm.MANAGE_PORTAL)
def themes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    feedback = access.feedback_for_themes(user)
    return render(
        request,
        "portal/staff/themes.html",
        {
            "themes": access.themes_managed_by(user).annotate(n=Count("statements")),
            "unthemed": feedback.filter(theme__isnull=True).count(),
        },
    )


@staff_access.require_perm(Perm.MANAGE_PORTAL)
def theme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Group what young people said into a theme, write the response, and publish it to them."""
    user = _user(request)
    council = staff_access.own_council(user)
    theme = access.access_theme_for_change(user, pk) if pk is not None else None
    choices = access.feedback_for_themes(user).filter(Q(theme__isnull=True) | Q(theme=theme)).order_by("-created_at")
    initial = (
        {
            "title": theme.title,
            "you_said": theme.you_said,
            "we_did": theme.we_did,
            "statements": list(theme.statements.all()),
            "version": theme.version,
        }
        if theme
        else {}
    )
    form = forms.ThemeForm(request.POST if request.method == "POST" else None, initial=initial, statements=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                saved = services.theme_save(
                    acting_user=user,
                    council=council,
                    theme=theme,
                    title=data["title"],
                    you_said=data["you_said"],
                    we_did=data["we_did"],
                    statements=list(data["statements"]),
                    version=data["version"],
                )
                if _publishing(request):
                    services.theme_publish(acting_user=user, theme=saved)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Published to young people" if _publishing(request) else "Theme saved")
            return redirect("portal:themes")
    return render(request, "portal/staff/theme_form.html", {"form": form, "theme": theme})


@staff_access.require_perm(Perm.VIEW_AGGREGATES)
def feedback_figures(request: HttpRequest) -> HttpResponse:
    """How much young people said, by kind, in the last year: counts only, never their words; rounded and
    suppressed for those who see aggregates only (councillors)."""
    from onward.performance.display import aggregates_only, count_text

    user = _user(request)
    staff_access.own_council(user)
    since = people_selectors.today() - timedelta(days=365)
    aggregate = aggregates_only(user)
    rows = [
        (row.label, count_text(row.count, aggregate=aggregate))
        for row in selectors.feedback_counts(access.statements_counted_for(user), since)
    ]
    return render(request, "portal/staff/feedback_figures.html", {"rows": rows, "since": since, "aggregate": aggregate})


@young_person_required
def you_said(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    return render(request, "portal/you_said.html", {"themes": access.themes_published_for(account)})


# Returners ------------------------------------------------------------------------------------


@login_not_required
@never_cache
def support_again(request: HttpRequest, council: int) -> HttpResponse:
    """Public: a care leaver aged 21 to 25 asks the council for support again. The answer never says
    whether their details matched a record."""
    found = access.council_or_404(council)
    form = forms.SupportAgainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.ask_for_support_again(council=found, **form.cleaned_data)
        return render(request, "portal/support_again_sent.html", {"council": found})
    return render(request, "portal/support_again.html", {"form": form, "council": found})


@staff_access.require_perm()
def tasks(request: HttpRequest) -> HttpResponse:
    """What young people asked their adviser for and is not yet dealt with, for the young people the user
    may see, oldest time limit first."""
    from onward.audit.services import audit_list

    user = _user(request)
    if not user.can_any((Perm.VIEW_CASELOAD, Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE)):
        raise PermissionDenied
    found = list(
        selectors.open_tasks_for(people_access.people_visible_to(user))
        .select_related("person", "opportunity")
        .order_by("task_due_on", "pk")
    )
    audit_list(
        actor=user,
        council=staff_access.council_of(user),
        object_type="portal.Statement",
        summary="Requests from young people",
    )
    return render(request, "portal/staff/tasks.html", {"tasks": found, "today": people_selectors.today()})


@require_safe
@staff_access.require_perm(any_of=(Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE), council_staff=True)
def returner_enquiries(request: HttpRequest) -> HttpResponse:
    """Requests for support again from the public form that matched no record: open ones oldest first, then
    the last ones dealt with."""
    from onward.audit.services import audit_list

    user = _user(request)
    found = access.returner_enquiries_for(user).select_related("person", "closed_by")
    waiting = list(found.filter(status=ReturnerEnquiry.Status.OPEN))
    done = list(found.exclude(status=ReturnerEnquiry.Status.OPEN).order_by("-closed_at")[:20])
    audit_list(
        actor=user,
        council=staff_access.council_of(user),
        object_type="portal.ReturnerEnquiry",
        summary="Requests for support again to check",
    )
    return render(
        request,
        "portal/staff/returner_enquiries.html",
        {
            "waiting": waiting,
            "done": done,
            "today": people_selectors.today(),
            "limit": people_selectors.SUPPORT_REQUEST_DAYS,
        },
    )


@staff_access.require_perm(
    Perm.CHANGE_PEOPLE, any_of=(Perm.VIEW_TEAM_PEOPLE, Perm.VIEW_COUNCIL_PEOPLE), council_staff=True
)
def returner_enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check who a request for support again came from: match it to their record (which opens a request
    for support in the register) or close it saying what was done."""
    from onward.audit.services import audit_view

    user = _user(request)
    enquiry = access.access_returner_enquiry(user, pk)
    search = request.GET.get("q", "").strip()[:100]
    close_form = forms.ReturnerCloseForm(request.POST if request.POST.get("action") == "close" else None)
    match_error = ""
    if request.method == "POST" and enquiry.status == ReturnerEnquiry.Status.OPEN:
        try:
            if request.POST.get("action") == "match":
                person = staff_access.get_or_404(
                    people_access.people_visible_to(user).filter(council_id=enquiry.council_id),
                    request.POST.get("person"),
                )
                services.returner_enquiry_match(acting_user=user, enquiry=enquiry, person=person)
                messages.success(request, f"Matched to {person.display_name}: their request for support is open")
                return redirect("people:person-detail", pk=person.pk)
            if close_form.is_valid():
                services.returner_enquiry_close(acting_user=user, enquiry=enquiry, note=close_form.cleaned_data["note"])
                messages.success(request, "Request closed")
                return redirect("portal:returner-enquiries")
        except ValidationError as error:
            if request.POST.get("action") == "match":
                match_error = " ".join(error.messages)
            else:
                apply_validation_error(close_form, error)
    else:
        audit_view(actor=user, council=enquiry.council, obj=enquiry)
    return render(
        request,
        "portal/staff/returner_enquiry.html",
        {
            "enquiry": enquiry,
            "candidates": access.returner_candidates(user, enquiry, search)
            if enquiry.status == ReturnerEnquiry.Status.OPEN
            else [],
            "search": search,
            "form": close_form,
            "match_error": match_error,
        },
    )


# Partners -------------------------------------------------------------------------------------


@staff_access.require_perm(Perm.RECEIVE_REFERRALS)
def partner_feedback(request: HttpRequest) -> HttpResponse:
    """What young people said about the user's organisation's services in their own service: how they rated
    them (without names), and their words where they agreed the service may read them. Only the referrals
    the organisation received and may still see (``access.service_feedback_received_by``)."""
    from onward.audit.services import audit_list
    from onward.referrals.registry import RATING_LABELS

    user = _user(request)
    found = selectors.feedback_for_partner(user)
    shown_from = {statement.council_id for item in found for statement in item.words}
    for council in staff_access.councils_for(user).filter(pk__in=shown_from).order_by("pk"):
        audit_list(
            actor=user,
            council=council,
            object_type="portal.Statement",
            summary=f"Young people's feedback on {user.organisation.name}'s services",
        )
    return render(
        request,
        "portal/staff/partner_feedback.html",
        {
            "services": [
                {
                    "service": item.service,
                    "values": [item.spread.total, *reversed(item.spread.counts)],
                    "words": [(RATING_LABELS[(w.rating or 3) - 1], w) for w in item.words],
                }
                for item in found
            ],
            "columns": ["Responses", *reversed(RATING_LABELS)],
        },
    )
