"""The staff workspace at /appraisal/: each person lands on what waits for them; the services hold the rules."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import access, services
from appraisal.criteria import (
    HEADER_FIELDS,
    CriteriaSetRefused,
    assessors_for,
    criteria_copy,
    criteria_csv,
    criteria_import,
    criteria_set_save,
    criteria_xlsx,
)
from appraisal.forms import CampaignForm, CouncilFormSet, CriteriaSetForm, ReporterForm
from appraisal.models import (
    Assessment,
    AssessmentStatus,
    BodyAccount,
    Campaign,
    CampaignStatus,
    CriteriaSet,
    Evidence,
    ReturnRequest,
    Score,
)
from appraisal.publication import PublicationRefused
from appraisal.reports import group_distribution, group_heatmap, results_xlsx, scorecard_context
from appraisal.results import campaign_results
from appraisal.selectors import assessment_tree, campaign_overview, previous_index, published_assessment
from indicators.numbers import convention_for_language

LOGIN = "appraisal:login"


@login_required(login_url=LOGIN)
def home(request: HttpRequest) -> HttpResponse:
    """Show each person what waits for them: their body's assessment, their queue, or the campaigns."""
    user = request.user
    campaigns = list(access.campaigns_for(user))
    account = getattr(user, "appraisal_body", None)
    own = (
        list(Assessment.objects.filter(body_id=account.body_id).select_related("campaign", "body"))
        if account is not None and user.has_perm("appraisal.report_assessment")
        else []
    )
    queue = [
        a
        for a in Assessment.objects.filter(campaign__appraisers__user=user)
        .select_related("campaign", "body")
        .order_by("campaign", "body__sort_key")
        if access.appraiser_of(user, a) is not None
    ]
    return render(
        request, "appraisal/home.html", {"campaigns": campaigns, "own": own, "queue": queue, "now": timezone.now()}
    )


def _campaign_for(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("criteria_set", "chair"), pk=pk)
    user = request.user
    if not (access.is_chair(user, campaign) or access.is_administrator(user, campaign)):
        raise PermissionDenied
    return campaign


@login_required(login_url=LOGIN)
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's and administrators' overview: who has submitted, who is late, what is returned."""
    item = _campaign_for(request, pk)
    if request.method == "POST":
        _campaign_action(request, item)
        return redirect("appraisal:campaign", pk=item.pk)
    results = campaign_results(item)
    previous = previous_index(item)
    return render(
        request,
        "appraisal/campaign.html",
        {
            "campaign": item,
            "assessments": campaign_overview(item),
            "results": results,
            "rows": [
                (
                    b,
                    results.percent(b),
                    [b.area_points.get(a.pk) for a in results.areas],
                    _change(results.percent(b), previous.get(b.assessment.body_id)),
                )
                for b in results.bodies
            ],
            "heatmap": group_heatmap(results),
            "distribution": group_distribution(results),
            "is_chair": access.is_chair(request.user, item),
            "is_admin": access.is_administrator(request.user, item),
            "now": timezone.now(),
        },
    )


def _change(percent: Decimal, previous: Decimal | None) -> Decimal | None:
    return None if previous is None else percent - previous


def _campaign_action(request: HttpRequest, item: Campaign) -> None:
    action = request.POST.get("action")
    try:
        if action == "survey":
            upload = request.FILES.get("file")
            if upload is None:
                messages.error(request, _("Choose a file."))
                return
            result = services.survey_import(
                campaign=item, user=request.user, content=upload.read(), file_name=upload.name
            )
            for error in result.errors:
                messages.error(request, error)
            if result.ok:
                messages.success(request, _("%(n)s survey scores imported.") % {"n": result.written})
        elif action == "finalise":
            services.campaign_finalise(campaign=item, user=request.user)
            messages.success(request, _("The campaign is finalised."))
        elif action == "publish":
            count = services.results_publish(campaign=item, user=request.user)
            messages.success(request, _("Published: %(n)s values.") % {"n": count})
        elif action == "reopen":
            assessment = get_object_or_404(Assessment, pk=request.POST.get("assessment"), campaign=item)
            services.assessment_reopen(assessment=assessment, user=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("%(body)s can edit its self-assessment again.") % {"body": assessment.body})
    except services.AppraisalRefused as exc:
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, problem)
    except PublicationRefused as exc:
        for problem in exc.errors:
            messages.error(request, problem)


@login_required(login_url=LOGIN)
def results_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The full appraisal table as XLSX (one row per body, one column per criterion)."""
    item = _campaign_for(request, pk)
    response = HttpResponse(
        results_xlsx(item), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="appraisal_{item.year}_{item.pk}.xlsx"'
    return response


def _entries(request: HttpRequest, rows) -> dict[int, services.ScoreEntry]:
    return {
        row.criterion.pk: services.ScoreEntry(
            request.POST.get(f"score-{row.criterion.pk}", ""), request.POST.get(f"text-{row.criterion.pk}", "")
        )
        for row in rows
        if row.editable
    }


@login_required(login_url=LOGIN)
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The tree of one body's assessment: the reporter's form, or the appraiser's side-by-side form."""
    item = get_object_or_404(Assessment.objects.select_related("campaign__criteria_set", "body"), pk=pk)
    user = request.user
    if not access.may_view(user, item):
        raise PermissionDenied
    reporter = access.is_reporter_of(user, item)
    assignment = access.appraiser_of(user, item)
    manages = access.is_chair(user, item.campaign) or access.is_administrator(user, item.campaign)
    mode = "self" if reporter else "appraise" if assignment else "survey" if manages else "view"
    rows = assessment_tree(item)
    areas = access.assigned_areas(assignment) if assignment else None
    by_id = {row.criterion.pk: row.criterion for row in rows}
    for row in rows:
        leaf = row.criterion.is_leaf and not row.is_survey
        if mode == "self":
            row.editable = leaf and item.status == AssessmentStatus.DRAFT
        elif mode == "survey":
            row.editable = row.criterion.is_leaf and row.is_survey and item.campaign.status == CampaignStatus.OPEN
        elif mode == "appraise":
            row.editable = (
                leaf
                and item.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED)
                and access.may_appraise(assignment, row.criterion, areas, by_id)
            )
    context = {
        "assessment": item,
        "rows": rows,
        "mode": mode,
        "errors": {},
        "changes": [],
        "now": timezone.now(),
        "today": timezone.localdate(),
        "is_admin": access.is_administrator(user, item.campaign),
    }
    if request.method == "POST":
        response = _assessment_post(request, item, rows, mode, context)
        if response is not None:
            return response
    context["problems"] = (
        services.submission_problems(item) if mode == "self" and item.status == AssessmentStatus.DRAFT else {}
    )
    # A refused save is re-rendered with 200, like any Django form page: the errors are in the page.
    return render(request, "appraisal/assessment.html", context)


def _assessment_post(request, item: Assessment, rows, mode: str, context: dict) -> HttpResponse | None:
    action = request.POST.get("action", "save")
    try:
        if action in ("return", "answer", "extend"):
            _return_action(request, item, action)
        else:
            _entries_save(request, item, mode=mode, entries=_entries(request, rows), action=action)
    except ValueError:
        context["errors"] = {"": [_("Give the deadline as a date.")]}
    except services.AppraisalRefused as exc:
        context["errors"] = exc.errors
        context["changes"] = getattr(exc, "changes", [])
        for row in rows:
            if row.editable:
                row.typed_score = request.POST.get(f"score-{row.criterion.pk}", "")
                row.typed_text = request.POST.get(f"text-{row.criterion.pk}", "")
        item.refresh_from_db()
        return None
    return redirect("appraisal:assessment", pk=item.pk)


def _return_action(request, item: Assessment, action: str) -> None:
    """Return a criterion for explanation, answer a return, or extend its deadline (ValueError: a bad date)."""
    if action == "return":
        score = get_object_or_404(Score, pk=request.POST.get("score"), assessment=item)
        deadline = datetime.date.fromisoformat(request.POST.get("deadline") or "")
        services.criterion_return(
            score=score, user=request.user, comment=request.POST.get("comment", ""), deadline=deadline
        )
        messages.success(request, _("Criterion %(code)s returned for explanation.") % {"code": score.criterion.code})
        return
    ret = get_object_or_404(ReturnRequest, pk=request.POST.get("return"), score__assessment=item)
    if action == "answer":
        services.return_answer(request=ret, user=request.user, answer=request.POST.get("answer", ""))
        messages.success(request, _("Your explanation was sent."))
        return
    deadline = datetime.date.fromisoformat(request.POST.get("deadline") or "")
    services.return_extend(request=ret, user=request.user, deadline=deadline, reason=request.POST.get("reason", ""))
    messages.success(
        request,
        _("The answer on %(code)s is now due on %(date)s.")
        % {"code": ret.score.criterion.code, "date": deadline.strftime("%d/%m/%Y")},
    )


def _version(request) -> int:
    """Return the assessment version the form was opened at (AppraisalRefused if the field is not a whole number)."""
    text = request.POST.get("version") or "0"
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise services.AppraisalRefused(
            {"": [_("The form was sent incomplete: reload the page and enter the scores again.")]}
        )
    return int(text)


def _entries_save(request, item: Assessment, *, mode: str, entries: dict, action: str) -> None:
    """Save the typed scores of the self-assessment (and submit it), the survey or the appraisal."""
    version = _version(request)
    convention = convention_for_language(get_language())
    saves = {
        "self": services.self_assessment_save,
        "survey": services.survey_save,
        "appraise": services.appraisal_save,
    }
    if mode not in saves:
        raise PermissionDenied
    saves[mode](assessment=item, user=request.user, entries=entries, expected_version=version, convention=convention)
    if mode == "self" and action == "submit":
        item.refresh_from_db()
        services.assessment_submit(assessment=item, user=request.user)
        messages.success(request, _("The self-assessment is submitted."))
    else:
        messages.success(
            request,
            {"self": _("Draft saved."), "survey": _("Survey points saved."), "appraise": _("Appraisal saved.")}[mode],
        )


@login_required(login_url=LOGIN)
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    score = get_object_or_404(Score.objects.select_related("assessment__campaign", "criterion"), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.evidence_add(score=score, user=request.user, content=upload.read(), file_name=upload.name)
            messages.success(
                request, _("%(name)s attached to %(code)s.") % {"name": upload.name, "code": score.criterion.code}
            )
        except services.AppraisalRefused as exc:
            for problems in exc.errors.values():
                for problem in problems:
                    messages.error(request, problem)
    return redirect(f"{_assessment_url(score.assessment_id)}#c-{score.criterion_id}")


def _assessment_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("appraisal:assessment", args=[pk])


@login_required(login_url=LOGIN)
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("score__assessment__campaign"), pk=pk)
    try:
        services.evidence_remove(evidence=evidence, user=request.user)
        messages.success(request, _("The file was removed."))
    except services.AppraisalRefused as exc:
        messages.error(request, str(exc))
    return redirect("appraisal:assessment", pk=evidence.score.assessment_id)


@login_required(login_url=LOGIN)
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send an evidence file to the body, its appraisers, the chair and administrators only."""
    evidence = get_object_or_404(Evidence.objects.select_related("score__assessment__campaign__criteria_set"), pk=pk)
    if not access.may_view(request.user, evidence.score.assessment):
        raise PermissionDenied
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """One body's scorecard: public once published, otherwise only for those who may see the assessment."""
    item = published_assessment(pk=pk)
    public = item is not None
    if item is None:
        item = Assessment.objects.select_related("campaign__criteria_set", "body").filter(pk=pk).first()
        if item is None or not (request.user.is_authenticated and access.may_view(request.user, item)):
            raise Http404(_("No published scorecard here."))
    context = scorecard_context(item)
    context["public"] = public
    response = render(request, "appraisal/scorecard.html", context)
    if not public:
        response["Cache-Control"] = "private, no-store"
    return response


def _administrator_or_403(request: HttpRequest) -> None:
    if not request.user.has_perm("appraisal.administer_campaign"):
        raise PermissionDenied


@login_required(login_url=LOGIN)
def criteria_sets(request: HttpRequest) -> HttpResponse:
    """The criteria sets: import a tree from CSV/XLSX, export it, copy it to another year."""
    _administrator_or_403(request)
    sets = access.sets_administered_by(request.user).select_related("assessor").annotate(n=Count("criteria"))
    return render(request, "appraisal/criteria_sets.html", {"sets": sets})


@login_required(login_url=LOGIN)
def criteria_set(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CriteriaSet.objects.select_related("assessor"), pk=pk)
    if not access.administers_set(request.user, item):
        raise PermissionDenied
    result = None
    if request.method == "POST" and request.POST.get("action") == "copy":
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("Give the year of the copy."))
        else:
            copy = criteria_copy(criteria_set=item, year=year)
            messages.success(request, _("Copied to %(year)s; change it before use.") % {"year": year})
            return redirect("appraisal:criteria-set", pk=copy.pk)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        elif item.campaign_set.exists():
            messages.error(request, _("A campaign uses this set; copy it to change the tree."))
        else:
            result = criteria_import(criteria_set=item, content=upload.read(), file_name=upload.name)
            if result.ok:
                messages.success(request, _("%(n)s criteria imported.") % {"n": result.created})
                return redirect("appraisal:criteria-set", pk=item.pk)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        content = criteria_csv(item) if export == "csv" else criteria_xlsx(item)
        kind = (
            "text/csv; charset=utf-8"
            if export == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="criteria_{item.year}_{item.pk}.{export}"'
        return response
    criteria = item.criteria.select_related("indicator").order_by("position")
    return render(
        request,
        "appraisal/criteria_set.html",
        {"set": item, "criteria": criteria, "result": result, "in_use": item.campaign_set.exists()},
    )


@login_required(login_url=LOGIN)
def criteria_set_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a set's header and import its tree in one step, or change the header while no campaign uses it."""
    _administrator_or_403(request)
    item = None
    if pk is not None:
        item = get_object_or_404(CriteriaSet.objects.select_related("assessor"), pk=pk)
        if not access.administers_set(request.user, item):
            raise PermissionDenied
    assessors = assessors_for(request.user)
    result = None
    if request.method == "POST":
        form = CriteriaSetForm(request.POST, request.FILES, assessors=assessors)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                saved = criteria_set_save(
                    user=request.user,
                    data={name: form.cleaned_data[name] for name in HEADER_FIELDS},
                    content=upload.read() if upload else None,
                    file_name=upload.name if upload else "",
                    criteria_set=item,
                )
            except CriteriaSetRefused as exc:
                _form_errors(form, exc.errors)
                result = exc.result
                if item is not None:
                    item.refresh_from_db()
            else:
                messages.success(request, _("The criteria set is saved."))
                return redirect("appraisal:criteria-set", pk=saved.pk)
    else:
        initial = {name: getattr(item, name) for name in HEADER_FIELDS} if item else {"total_max": Decimal(100)}
        form = CriteriaSetForm(initial=initial, assessors=assessors)
    return render(
        request,
        "appraisal/criteria_set_form.html",
        {"form": form, "set": item, "result": result, "in_use": item is not None and item.campaign_set.exists()},
    )


def group_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The group report (ranking, heatmap, distribution): public once published, else for the campaign's managers."""
    item = get_object_or_404(Campaign.objects.select_related("criteria_set"), pk=pk)
    public = item.status == CampaignStatus.PUBLISHED
    user = request.user
    if not public and not (
        user.is_authenticated and (access.is_chair(user, item) or access.is_administrator(user, item))
    ):
        raise Http404(_("No published report here."))
    results = campaign_results(item)
    previous = previous_index(item)
    rows = [
        (
            b,
            results.percent(b),
            [b.area_points.get(a.pk) for a in results.areas],
            _change(results.percent(b), previous.get(b.assessment.body_id)),
        )
        for b in results.bodies
    ]
    response = render(
        request,
        "appraisal/group_report.html",
        {
            "campaign": item,
            "results": results,
            "rows": rows,
            "public": public,
            "heatmap": group_heatmap(results),
            "distribution": group_distribution(results),
        },
    )
    if not public:
        response["Cache-Control"] = "private, no-store"
    return response


def _form_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Put a service's errors at their fields (unknown names: at the top of the form)."""
    for name, problems in errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _council(formset) -> list[services.CouncilMember]:
    return [
        services.CouncilMember(
            user=f.cleaned_data["user"], areas=list(f.cleaned_data["areas"]), bodies=list(f.cleaned_data["bodies"])
        )
        for f in formset
        if f.cleaned_data.get("user")
    ]


@login_required(login_url=LOGIN)
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (after choosing the set) or change a campaign: bodies, deadlines, council and decision."""
    _administrator_or_403(request)
    item = None
    if pk is not None:
        item = get_object_or_404(Campaign.objects.select_related("criteria_set"), pk=pk)
        if not access.is_administrator(request.user, item):
            raise PermissionDenied
    sets = access.sets_administered_by(request.user).filter(partial=False).select_related("assessor")
    chosen = item.criteria_set if item else sets.filter(pk=request.GET.get("set") or 0).first()
    if chosen is None:
        return render(request, "appraisal/campaign_new.html", {"sets": sets})
    year = item.year if item else chosen.year
    if request.method == "POST":
        year = int(request.POST["year"]) if request.POST.get("year", "").isdigit() else year
    bodies = services.campaign_bodies(chosen, year)
    council_kwargs = {"criteria_set": chosen, "bodies": bodies}
    if request.method == "POST":
        form = CampaignForm(request.POST, sets=sets.filter(pk=chosen.pk), bodies=bodies)
        council = CouncilFormSet(request.POST, prefix="council", form_kwargs=council_kwargs)
        if form.is_valid() and council.is_valid():
            data = services.CampaignData(
                bodies=list(form.cleaned_data.pop("bodies")), council=_council(council), **form.cleaned_data
            )
            try:
                saved = services.campaign_save(user=request.user, data=data, campaign=item)
            except services.AppraisalRefused as exc:
                _form_errors(form, exc.errors)
            else:
                messages.success(request, _("The campaign is saved."))
                return redirect("appraisal:campaign", pk=saved.pk)
    else:
        initial = {"criteria_set": chosen.pk, "year": year, "decision_issuer": str(chosen.assessor or "")}
        members = []
        if item is not None:
            initial |= {name: getattr(item, name) for name in services.CAMPAIGN_FIELDS if name != "criteria_set"}
            initial["bodies"] = list(item.assessments.values_list("body_id", flat=True))
            members = [
                {"user": a.user, "areas": list(a.areas.all()), "bodies": list(a.bodies.all())}
                for a in item.appraisers.select_related("user").prefetch_related("areas", "bodies")
            ]
        form = CampaignForm(initial=initial, sets=sets.filter(pk=chosen.pk), bodies=bodies)
        council = CouncilFormSet(initial=members, prefix="council", form_kwargs=council_kwargs)
    return render(
        request,
        "appraisal/campaign_form.html",
        {"form": form, "council": council.choices_share(), "campaign": item, "set": chosen, "now": timezone.now()},
    )


@login_required(login_url=LOGIN)
def reporters(request: HttpRequest) -> HttpResponse:
    """Reporter accounts of the administrator's bodies: the list, and a form to create one."""
    _administrator_or_403(request)
    bodies = services.reporter_bodies(request.user)
    link = None
    form = ReporterForm(request.POST if "username" in request.POST else None, bodies=bodies)
    if request.method == "POST" and "account" in request.POST:
        account = get_object_or_404(BodyAccount, pk=request.POST["account"])
        try:
            reporter = services.reporter_for_new_link(user=request.user, account=account)
        except services.AppraisalRefused as exc:
            raise PermissionDenied from exc
        link = request.build_absolute_uri(password_set_path(reporter))
        messages.success(request, _("A new one-time link for %(user)s.") % {"user": reporter.username})
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.reporter_create(
                user=request.user,
                body=data["body"],
                username=data["username"],
                name=data["name"],
                email=data["email"],
                password=form.password,
            )
        except services.AppraisalRefused as exc:
            _form_errors(form, exc.errors)
        else:
            messages.success(request, _("The account %(user)s is created.") % {"user": created.username})
            if form.password is None:
                link = request.build_absolute_uri(password_set_path(created))
            else:
                return redirect("appraisal:reporters")
            form = ReporterForm(bodies=bodies)
    accounts = BodyAccount.objects.filter(body__in=bodies).select_related("user", "body").order_by("body__sort_key")
    return render(request, "appraisal/reporters.html", {"form": form, "accounts": accounts, "link": link})


def password_set_path(user) -> str:
    """Return the one-time link (Django's password-reset token) with which the user sets their password."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("appraisal:password-set", args=[uid, default_token_generator.make_token(user)])
