"""Writes of the appraisal cycle: every rule (role scope, deadlines, locks, versions, ranges) is checked here.

Views and commands only call these functions and show their errors. Each write sets the history's
user and change reason, so that every score, evidence change, return, answer, reopening and
finalisation is in the history with who and when.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access
from appraisal.evidence import EvidenceRefused, evidence_check
from appraisal.models import (
    GROUP_LEVEL,
    Appraiser,
    Assessment,
    AssessmentStatus,
    BodyAccount,
    BodyGroup,
    Campaign,
    CampaignStatus,
    CriteriaSet,
    Criterion,
    Evidence,
    Kind,
    NodeLevel,
    ReturnRequest,
    Score,
)
from indicators.importing.reading import FileRefused, table_read
from indicators.models import plain_decimal
from indicators.numbers import Convention, NumberFormatError, parse_number
from provinces.models import AdministrativeUnit


class AppraisalRefused(Exception):
    """A write the rules refuse; ``errors`` maps a criterion code (or "") to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


class StaleAssessment(AppraisalRefused):
    """Someone saved the assessment since the form was opened; ``changes`` lists (code, field, now, by)."""

    def __init__(self, changes: list[tuple[str, str, str, str]]) -> None:
        super().__init__({"": [_("Someone else saved this assessment meanwhile; your typing is kept below.")]})
        self.changes = changes


@dataclass
class ScoreEntry:
    """What one form row sends: the score as typed and the text beside it."""

    score: str = ""
    text: str = ""


def _refuse(message: str) -> None:
    raise AppraisalRefused({"": [message]})


def _stamp(obj: object, user: AbstractBaseUser, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


def leaves(assessment: Assessment) -> list[Criterion]:
    """Return the scored criteria (leaves) of the assessment's set, in tree order."""
    return list(
        Criterion.objects.filter(criteria_set_id=assessment.campaign.criteria_set_id, is_leaf=True)
        .select_related("parent__parent")
        .order_by("position")
    )


def scores_of(assessment: Assessment) -> dict[int, Score]:
    """Return the assessment's scores by criterion id, creating the missing ones (one per leaf)."""
    existing = {s.criterion_id: s for s in assessment.scores.all()}
    missing = [Score(assessment=assessment, criterion=c) for c in leaves(assessment) if c.pk not in existing]
    if missing:
        Score.objects.bulk_create(missing)
        existing = {s.criterion_id: s for s in assessment.scores.all()}
    return existing


def _parse_score(text: str, criterion: Criterion, convention: Convention) -> Decimal | None:
    try:
        number = parse_number(text, convention=convention).value
    except NumberFormatError as exc:
        raise AppraisalRefused({criterion.code: [str(exc)]}) from exc
    if number is not None and not (0 <= number <= criterion.max_score):
        raise AppraisalRefused(
            {
                criterion.code: [
                    _("%(score)s is outside 0–%(max)s, the points of this criterion.")
                    % {"score": plain_decimal(number), "max": plain_decimal(criterion.max_score)}
                ]
            }
        )
    return number


def _version_claim(assessment: Assessment, expected: int) -> None:
    """Advance the assessment's version if still ``expected``, else raise StaleAssessment with what changed."""
    if Assessment.objects.filter(pk=assessment.pk, version=expected).update(version=F("version") + 1):
        assessment.version = expected + 1
        return
    changes = []
    since = Score.history.filter(assessment_id=assessment.pk, history_date__gte=_version_time(assessment, expected))
    for row in since.select_related("history_user").order_by("history_date"):
        code = Criterion.objects.filter(pk=row.criterion_id).values_list("code", flat=True).first() or ""
        shown = row.self_score if row.self_score is not None else ""
        changes.append((code, _("self-score"), str(shown), str(row.history_user or "")))
    raise StaleAssessment(changes)


def _version_time(assessment: Assessment, version: int) -> datetime.datetime:
    row = assessment.history.filter(version=version).order_by("-history_date").first()
    return row.history_date if row else datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _entries_validate(
    entries: dict[int, ScoreEntry], allowed: dict[int, Criterion], convention: Convention
) -> dict[int, Decimal | None]:
    """Parse every entry; collect the errors of all rows before refusing, so each shows at its criterion."""
    errors: dict[str, list[str]] = {}
    parsed = {}
    for criterion_id, entry in entries.items():
        criterion = allowed.get(criterion_id)
        if criterion is None:
            errors.setdefault("", []).append(_("A criterion you may not change was sent; it was ignored."))
            continue
        try:
            parsed[criterion_id] = _parse_score(entry.score, criterion, convention)
        except AppraisalRefused as exc:
            for code, messages in exc.errors.items():
                errors.setdefault(code, []).extend(messages)
    if errors:
        raise AppraisalRefused(errors)
    return parsed


def _scores_write(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    expected_version: int,
    values: dict[int, dict[str, object]],
    scores: dict[int, Score],
    reason: str,
) -> None:
    """Claim the assessment's version and write the changed fields of each score (``values``: criterion id → fields)."""
    with transaction.atomic():
        _version_claim(assessment, expected_version)
        _stamp(assessment, user, reason)
        assessment.save(update_fields=["version"])
        for criterion_id, fields in values.items():
            score = scores[criterion_id]
            if any(getattr(score, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(score, name, value)
                _stamp(score, user, reason)
                score.save()


def self_assessment_save(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    entries: dict[int, ScoreEntry],
    expected_version: int,
    convention: Convention = "comma",
    now: datetime.datetime | None = None,
) -> None:
    """Save a reporter's draft scores and explanations; refuse after submission or the deadline."""
    if not access.is_reporter_of(user, assessment):
        _refuse(_("Only the body's own reporters enter its self-assessment."))
    if assessment.status != AssessmentStatus.DRAFT:
        _refuse(_("The assessment has been submitted; it changes only when returned or reopened."))
    if (now or timezone.now()) > assessment.campaign.self_assessment_closes:
        _refuse(
            _("The self-assessment closed on %(date)s.") % {"date": _when(assessment.campaign.self_assessment_closes)}
        )
    criteria = {c.pk: c for c in leaves(assessment) if c.kind != Kind.SURVEY}
    parsed = _entries_validate(entries, criteria, convention)
    _scores_write(
        assessment=assessment,
        user=user,
        expected_version=expected_version,
        values={c: {"self_score": n, "explanation": entries[c].text} for c, n in parsed.items()},
        scores=scores_of(assessment),
        reason="appraisal: self-score",
    )


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def submission_problems(assessment: Assessment) -> dict[str, list[str]]:
    """Return what stops submission, by criterion code: missing scores, missing explanations for evidence."""
    problems: dict[str, list[str]] = {}
    scores = scores_of(assessment)
    with_evidence = set(
        Evidence.objects.filter(score__assessment=assessment).values_list("score__criterion_id", flat=True)
    )
    for criterion in leaves(assessment):
        if criterion.kind == Kind.SURVEY:
            continue
        score = scores[criterion.pk]
        if score.self_score is None:
            problems.setdefault(criterion.code, []).append(_("Enter a score."))
        if criterion.evidence_required and criterion.pk not in with_evidence and not score.explanation.strip():
            problems.setdefault(criterion.code, []).append(
                _("Evidence is required: attach a file or explain why there is none.")
            )
    return problems


def assessment_submit(*, assessment: Assessment, user: AbstractBaseUser, now: datetime.datetime | None = None) -> None:
    """Submit (and lock) a complete self-assessment before the deadline."""
    if not access.is_reporter_of(user, assessment):
        _refuse(_("Only the body's own reporters submit its self-assessment."))
    if assessment.status != AssessmentStatus.DRAFT:
        _refuse(_("The assessment has already been submitted."))
    if (now or timezone.now()) > assessment.campaign.self_assessment_closes:
        _refuse(
            _("The self-assessment closed on %(date)s.") % {"date": _when(assessment.campaign.self_assessment_closes)}
        )
    problems = submission_problems(assessment)
    if problems:
        raise AppraisalRefused(problems)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now or timezone.now()
    _stamp(assessment, user, "appraisal: submitted")
    assessment.save()


def assessment_reopen(*, assessment: Assessment, user: AbstractBaseUser, reason: str) -> None:
    """Reopen one body's submitted self-assessment (administrators; recorded with the reason)."""
    if not access.is_administrator(user, assessment.campaign):
        _refuse(_("Only the campaign's administrators reopen an assessment."))
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED):
        _refuse(_("Only a submitted assessment can be reopened."))
    if assessment.campaign.status != CampaignStatus.OPEN:
        _refuse(_("The campaign has been finalised."))
    if not reason.strip():
        _refuse(_("Say why the assessment is reopened."))
    assessment.status = AssessmentStatus.DRAFT
    _stamp(assessment, user, f"appraisal: reopened — {reason.strip()}"[:100])  # the history column holds 100
    assessment.save()


def evidence_add(*, score: Score, user: AbstractBaseUser, content: bytes, file_name: str) -> Evidence:
    """Store an evidence file for one leaf; raise AppraisalRefused (nothing stored) for a refused file."""
    assessment = score.assessment
    answering = (
        assessment.status == AssessmentStatus.RETURNED
        and score.returns.filter(answered_at=None, deadline__gte=timezone.localdate()).exists()
    )
    if not access.is_reporter_of(user, assessment):
        _refuse(_("Only the body's own reporters attach its evidence."))
    if assessment.status != AssessmentStatus.DRAFT and not answering:
        _refuse(_("The assessment has been submitted; evidence is added only to returned criteria, by their deadline."))
    try:
        kind = evidence_check(content=content, file_name=file_name)
    except EvidenceRefused as exc:
        raise AppraisalRefused({score.criterion.code: [str(exc)]}) from exc
    evidence = Evidence(score=score, original_name=file_name[:255], file_type=kind, size=len(content), uploaded_by=user)
    evidence.file.save(file_name[-100:], ContentFile(content), save=False)
    _stamp(evidence, user, "appraisal: evidence uploaded")
    evidence.save()
    return evidence


def evidence_remove(*, evidence: Evidence, user: AbstractBaseUser) -> None:
    """Remove an evidence file from a draft (recorded in the history; the stored file is deleted)."""
    assessment = evidence.score.assessment
    if not access.is_reporter_of(user, assessment) or assessment.status != AssessmentStatus.DRAFT:
        _refuse(_("Evidence is removed only by the body's reporters, before submission."))
    evidence.file.delete(save=False)
    _stamp(evidence, user, "appraisal: evidence removed")
    evidence.delete()


def appraisal_save(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    entries: dict[int, ScoreEntry],
    expected_version: int,
    convention: Convention = "comma",
) -> None:
    """Save an appraiser's scores; a score different from the self-score needs its reason."""
    assignment = access.appraiser_of(user, assessment)
    if assignment is None:
        _refuse(_("This body is not assigned to you."))
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED):
        _refuse(_("Only a submitted assessment is appraised."))
    if timezone.now() > assessment.campaign.appraisal_closes:
        _refuse(_("The appraisal closed on %(date)s.") % {"date": _when(assessment.campaign.appraisal_closes)})
    areas = access.assigned_areas(assignment)
    allowed = {
        c.pk: c for c in leaves(assessment) if c.kind != Kind.SURVEY and access.may_appraise(assignment, c, areas)
    }
    parsed = _entries_validate(entries, allowed, convention)
    scores = scores_of(assessment)
    errors: dict[str, list[str]] = {}
    for criterion_id, number in parsed.items():
        score, reason = scores[criterion_id], entries[criterion_id].text.strip()
        if number is not None and number != score.self_score and not reason:
            errors.setdefault(allowed[criterion_id].code, []).append(
                _("Give the reason: the appraised score differs from the self-score.")
            )
    if errors:
        raise AppraisalRefused(errors)
    _scores_write(
        assessment=assessment,
        user=user,
        expected_version=expected_version,
        values={c: {"appraised_score": n, "appraisal_reason": entries[c].text.strip()} for c, n in parsed.items()},
        scores=scores,
        reason="appraisal: appraised score",
    )


def criterion_return(*, score: Score, user: AbstractBaseUser, comment: str, deadline: datetime.date) -> ReturnRequest:
    """Return one criterion to the body for explanation, with a comment and a deadline."""
    assessment = score.assessment
    assignment = access.appraiser_of(user, assessment)
    if assignment is None or not access.may_appraise(assignment, score.criterion, access.assigned_areas(assignment)):
        _refuse(_("This criterion is not assigned to you."))
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED):
        _refuse(_("Only a submitted assessment can be returned."))
    if timezone.now() > assessment.campaign.appraisal_closes:
        _refuse(_("The appraisal closed on %(date)s.") % {"date": _when(assessment.campaign.appraisal_closes)})
    if not comment.strip():
        raise AppraisalRefused({score.criterion.code: [_("Say what the body must explain.")]})
    if deadline < timezone.localdate():
        raise AppraisalRefused({score.criterion.code: [_("The answer-by date is in the past.")]})
    with transaction.atomic():
        request = ReturnRequest(score=score, comment=comment.strip(), deadline=deadline, created_by=user)
        _stamp(request, user, "appraisal: returned for explanation")
        request.save()
        assessment.status = AssessmentStatus.RETURNED
        _stamp(assessment, user, "appraisal: returned for explanation")
        assessment.save()
    return request


def return_answer(
    *, request: ReturnRequest, user: AbstractBaseUser, answer: str, now: datetime.datetime | None = None
) -> None:
    """Record the body's explanation on a returned criterion (only that criterion changes)."""
    assessment = request.score.assessment
    if not access.is_reporter_of(user, assessment):
        _refuse(_("Only the body's own reporters answer a return."))
    if not request.is_open:
        _refuse(_("This return has already been answered."))
    today = timezone.localdate(now) if now else timezone.localdate()
    if today > request.deadline:
        _refuse(
            _("The answer was due on %(date)s; ask the campaign's administrator to extend the deadline.")
            % {"date": request.deadline.strftime("%d/%m/%Y")}
        )
    if not answer.strip():
        raise AppraisalRefused({request.score.criterion.code: [_("Write the explanation.")]})
    with transaction.atomic():
        request.answer, request.answered_by, request.answered_at = answer.strip(), user, timezone.now()
        _stamp(request, user, "appraisal: explanation answered")
        request.save()
        still_open = ReturnRequest.objects.filter(score__assessment=assessment, answered_at=None).exists()
        if not still_open:
            assessment.status = AssessmentStatus.SUBMITTED
            _stamp(assessment, user, "appraisal: all returns answered")
            assessment.save()


@dataclass
class SurveyImport:
    errors: list[str] = field(default_factory=list)
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _survey_refusal(user: AbstractBaseUser, campaign: Campaign) -> str | None:
    """Return why the user may not write survey points now (the chair or an administrator, while open), or None."""
    if not (access.is_chair(user, campaign) or access.is_administrator(user, campaign)):
        return _("Only the chair or an administrator imports survey points.")
    if campaign.status != CampaignStatus.OPEN:
        return _("The campaign has been finalised.")
    return None


def survey_import(*, campaign: Campaign, user: AbstractBaseUser, content: bytes, file_name: str) -> SurveyImport:
    """Write survey points from a file (columns body_code, criterion_code, points), all or nothing."""
    result = SurveyImport()
    refusal = _survey_refusal(user, campaign)
    if refusal:
        result.errors.append(refusal)
        return result
    try:
        table = table_read(content=content, file_name=file_name)
    except FileRefused as exc:
        result.errors.append(exc.message)
        return result
    header = [str(h).strip().lower() for h in table.header]
    if not {"body_code", "criterion_code", "points"} <= set(header):
        result.errors.append(_("The columns must be body_code, criterion_code and points."))
        return result
    assessments = {a.body.code: a for a in campaign.assessments.select_related("body")}
    survey = {
        c.code: c for c in Criterion.objects.filter(criteria_set=campaign.criteria_set, is_leaf=True, kind=Kind.SURVEY)
    }
    writes = []
    for line, cells in table.rows:
        row = {name: ("" if v is None else str(v).strip()) for name, v in zip(header, cells, strict=False)}
        body, code = assessments.get(row["body_code"]), survey.get(row["criterion_code"])
        where = _("line %(line)s") % {"line": line}
        if body is None:
            result.errors.append(
                f"{where}, body_code: " + _("%(code)s is not assessed in this campaign.") % {"code": row["body_code"]}
            )
        if code is None:
            result.errors.append(
                f"{where}, criterion_code: "
                + _("%(code)s is not a survey criterion of the set.") % {"code": row["criterion_code"]}
            )
        if body is None or code is None:
            continue
        try:
            points = _parse_score(row["points"], code, "comma" if "," in row["points"] else "dot")
        except AppraisalRefused as exc:
            result.errors.append(f"{where}, points: " + "; ".join(exc.errors[code.code]))
            continue
        writes.append((body, code, points))
    if result.errors:
        return result
    with transaction.atomic():
        for assessment, criterion, points in writes:
            score = scores_of(assessment)[criterion.pk]
            score.survey_score = points
            _stamp(score, user, "appraisal: survey points imported")
            score.save()
            result.written += 1
    return result


def survey_save(
    *,
    assessment: Assessment,
    user: AbstractBaseUser,
    entries: dict[int, ScoreEntry],
    expected_version: int,
    convention: Convention = "comma",
) -> None:
    """Save survey points entered by hand for one body (the chair or an administrator, before finalisation)."""
    refusal = _survey_refusal(user, assessment.campaign)
    if refusal:
        _refuse(refusal)
    allowed = {c.pk: c for c in leaves(assessment) if c.kind == Kind.SURVEY}
    parsed = _entries_validate(entries, allowed, convention)
    _scores_write(
        assessment=assessment,
        user=user,
        expected_version=expected_version,
        values={c: {"survey_score": n} for c, n in parsed.items()},
        scores=scores_of(assessment),
        reason="appraisal: survey points entered",
    )


def campaign_finalise(*, campaign: Campaign, user: AbstractBaseUser) -> None:
    """Finalise the campaign (the chair): every body submitted, no open return, every survey leaf scored."""
    if not access.is_chair(user, campaign):
        _refuse(_("Only the council's chair finalises the campaign."))
    if campaign.status != CampaignStatus.OPEN:
        _refuse(_("The campaign has already been finalised."))
    problems: dict[str, list[str]] = {}
    for assessment in campaign.assessments.select_related("body"):
        if assessment.status != AssessmentStatus.SUBMITTED:
            problems.setdefault("", []).append(
                _("%(body)s: %(status)s.") % {"body": assessment.body, "status": assessment.get_status_display()}
            )
        missing = [
            s.criterion.code
            for s in scores_of(assessment).values()
            if s.criterion.kind == Kind.SURVEY and s.survey_score is None
        ]
        if missing:
            problems.setdefault("", []).append(
                _("%(body)s: survey points missing for %(codes)s.")
                % {"body": assessment.body, "codes": ", ".join(missing)}
            )
    if problems:
        raise AppraisalRefused(problems)
    with transaction.atomic():
        for assessment in campaign.assessments.all():
            assessment.status = AssessmentStatus.FINALISED
            _stamp(assessment, user, "appraisal: finalised")
            assessment.save()
        campaign.status, campaign.finalised_at = CampaignStatus.FINALISED, timezone.now()
        _stamp(campaign, user, "appraisal: finalised")
        campaign.save()


def results_publish(*, campaign: Campaign, user: AbstractBaseUser) -> int:
    """Publish the finalised results as values of par_index and its components (the chair's approval).

    Return the number of values written. Written through the indicators' write gate
    (appraisal.publication → indicators.services.values_write) so that the approval permission,
    province scope, year locks and validation are checked there, as for every other channel: the
    chair must also be allowed to enter and approve the bodies' values (Province editor and approver
    of the assessor's province, or a national administrator).
    """
    from appraisal.publication import results_values_write

    if not access.is_chair(user, campaign):
        _refuse(_("Only the council's chair approves publication."))
    if campaign.status != CampaignStatus.FINALISED:
        _refuse(_("Finalise the campaign before publishing it."))
    if not campaign.decision_number or not campaign.decision_date:
        _refuse(_("Enter the decision (number and date) that publishes the results first."))
    with transaction.atomic():
        written = results_values_write(campaign=campaign, user=user)
        campaign.status, campaign.published_at = CampaignStatus.PUBLISHED, timezone.now()
        _stamp(campaign, user, "appraisal: published")
        campaign.save()
    return written


# --- Campaigns, council and reporter accounts (the assessor's administrator) -------------------------


@dataclass
class CouncilMember:
    """One appraiser of the council: the areas and/or bodies assigned (none of either: all of them)."""

    user: AbstractBaseUser
    areas: list[Criterion] = field(default_factory=list)
    bodies: list[AdministrativeUnit] = field(default_factory=list)


#: The campaign's own fields that the form edits (the bodies and the council are rows of their own).
CAMPAIGN_FIELDS = (
    "criteria_set",
    "name",
    "year",
    "self_assessment_closes",
    "appraisal_closes",
    "chair",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "decision_url",
)


@dataclass
class CampaignData:
    """What the campaign form sends, parsed; the rules are checked by campaign_save."""

    criteria_set: CriteriaSet
    name: str
    year: int
    self_assessment_closes: datetime.datetime
    appraisal_closes: datetime.datetime
    chair: AbstractBaseUser
    bodies: list[AdministrativeUnit]
    council: list[CouncilMember] = field(default_factory=list)
    decision_number: str = ""
    decision_date: datetime.date | None = None
    decision_issuer: str = ""
    decision_url: str = ""


def campaign_bodies(criteria_set: CriteriaSet, year: int) -> QuerySet[AdministrativeUnit]:
    """Return the bodies a campaign of this set may assess: the set's level, in force that year, under its assessor."""
    units = AdministrativeUnit.objects.filter(level=GROUP_LEVEL[BodyGroup(criteria_set.body_group)]).for_year(year)
    if criteria_set.assessor_id is not None:
        units = units.filter(Q(parent_id=criteria_set.assessor_id) | Q(parent__parent_id=criteria_set.assessor_id))
    return units.vietnamese_order()


def _council_problems(data: CampaignData, *, chosen: set[int]) -> list[str]:
    """Return what is wrong with the council: members twice, without the role, or assigned outside the campaign."""
    problems = []
    areas = set(data.criteria_set.criteria.filter(level=NodeLevel.AREA).values_list("pk", flat=True))
    seen: set[int] = set()
    for member in data.council:
        if member.user.pk in seen:
            problems.append(_("%(user)s is listed twice in the council.") % {"user": member.user})
        seen.add(member.user.pk)
        if not (member.user.is_active and member.user.has_perm("appraisal.appraise_campaign")):
            problems.append(_("%(user)s has not the appraiser's role.") % {"user": member.user})
        if any(a.pk not in areas for a in member.areas):
            problems.append(_("%(user)s: an assigned area is not an area of the set.") % {"user": member.user})
        if any(b.pk not in chosen for b in member.bodies):
            problems.append(_("%(user)s: an assigned body is not assessed in this campaign.") % {"user": member.user})
    return problems


def _campaign_problems(user: AbstractBaseUser, data: CampaignData, campaign: Campaign | None) -> dict[str, list[str]]:
    """Return the campaign form's errors by field name (empty: the campaign may be saved)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.criteria_set.partial:
        add("criteria_set", _("A partial set (reference data) cannot be used: import the full set first."))
    if data.appraisal_closes < data.self_assessment_closes:
        add("appraisal_closes", _("The appraisal closes after the self-assessment."))
    if not (data.chair.is_active and data.chair.has_perm("appraisal.chair_campaign")):
        add("chair", _("%(user)s has not the council chair's role.") % {"user": data.chair})
    allowed = set(campaign_bodies(data.criteria_set, data.year).values_list("pk", flat=True))
    if not data.bodies:
        add("bodies", _("Choose the bodies assessed."))
    for body in data.bodies:
        if body.pk not in allowed:
            add(
                "bodies",
                _("%(body)s is not a body of this set's level in force in %(year)s under its assessor.")
                % {"body": body, "year": data.year},
            )
    chosen = {b.pk for b in data.bodies}
    for message in _council_problems(data, chosen=chosen):
        add("council", message)
    if campaign is not None:
        started = (
            campaign.assessments.exclude(body_id__in=chosen)
            .filter(
                Q(status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.FINALISED])
                | Q(scores__self_score__isnull=False)
            )
            .select_related("body")
            .distinct()
        )
        for assessment in started:
            add(
                "bodies",
                _("%(body)s has started its self-assessment; it cannot be removed.") % {"body": assessment.body},
            )
        if (
            campaign.criteria_set_id != data.criteria_set.pk
            and Score.objects.filter(assessment__campaign=campaign).exists()
        ):
            add("criteria_set", _("Scores were entered with the set chosen; it cannot change now."))
    return errors


def campaign_save(*, user: AbstractBaseUser, data: CampaignData, campaign: Campaign | None = None) -> Campaign:
    """Create or change a campaign with its bodies and council (the assessor's administrators; recorded).

    Raise AppraisalRefused with the errors by form field name ("" for the whole form).
    """
    if not access.administers_set(user, data.criteria_set) or (
        campaign is not None and not access.is_administrator(user, campaign)
    ):
        _refuse(_("Only the assessor's administrators create and change its campaigns."))
    if campaign is not None and campaign.status != CampaignStatus.OPEN:
        _refuse(_("The campaign has been finalised."))
    errors = _campaign_problems(user, data, campaign)
    if errors:
        raise AppraisalRefused(errors)
    creating = campaign is None
    campaign = campaign or Campaign()
    for name in CAMPAIGN_FIELDS:
        setattr(campaign, name, getattr(data, name))
    verb = "created" if creating else "changed"
    with transaction.atomic():
        _stamp(campaign, user, f"appraisal: campaign {verb}")
        campaign.save()
        chosen = {b.pk: b for b in data.bodies}
        for assessment in campaign.assessments.exclude(body_id__in=chosen):
            _stamp(assessment, user, "appraisal: body removed from the campaign")
            assessment.delete()
        present = set(campaign.assessments.values_list("body_id", flat=True))
        for body_id, body in chosen.items():
            if body_id not in present:
                assessment = Assessment(campaign=campaign, body=body)
                _stamp(assessment, user, "appraisal: body added to the campaign")
                assessment.save()
        kept = {m.user.pk for m in data.council}
        for member in campaign.appraisers.exclude(user_id__in=kept):
            _stamp(member, user, "appraisal: appraiser removed")
            member.delete()
        for member in data.council:
            assignment = campaign.appraisers.filter(user=member.user).first() or Appraiser(
                campaign=campaign, user=member.user
            )
            _stamp(assignment, user, "appraisal: appraiser assigned")
            assignment.save()
            assignment.areas.set(member.areas)
            assignment.bodies.set(member.bodies)
    return campaign


def reporter_bodies(user: AbstractBaseUser) -> QuerySet[AdministrativeUnit]:
    """Return the bodies the administrator may create reporter accounts for: those of the campaigns they administer."""
    campaigns = [c.pk for c in access.campaigns_for(user) if access.is_administrator(user, c)]
    return AdministrativeUnit.objects.filter(assessment__campaign_id__in=campaigns).distinct().vietnamese_order()


def reporter_create(
    *,
    user: AbstractBaseUser,
    body: AdministrativeUnit,
    username: str,
    name: str,
    email: str,
    password: str | None,
) -> AbstractBaseUser:
    """Create a reporter account scoped to one body; ``password`` None leaves it unusable until set by link."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from appraisal.roles import ROLES

    if not reporter_bodies(user).filter(pk=body.pk).exists():
        _refuse(_("You may create reporter accounts only for the bodies of your campaigns."))
    errors: dict[str, list[str]] = {}
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This username is taken."))
    candidate = User(username=username, email=email.strip(), first_name=name.strip()[:150])
    if password is not None:
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            errors.setdefault("password1", []).extend(exc.messages)
    if errors:
        raise AppraisalRefused(errors)
    with transaction.atomic():
        if password is None:
            candidate.set_unusable_password()
        else:
            candidate.set_password(password)
        candidate.save()
        candidate.groups.add(Group.objects.get(name=ROLES["appraisal-reporter"].group))
        account = BodyAccount(user=candidate, body=body)
        _stamp(account, user, "appraisal: reporter account created")
        account.save()
    return candidate


def reporter_for_new_link(*, user: AbstractBaseUser, account: BodyAccount) -> AbstractBaseUser:
    """Return the reporter whose one-time set-password link the administrator may issue again (their bodies only)."""
    if not reporter_bodies(user).filter(pk=account.body_id).exists():
        _refuse(_("You may create reporter accounts only for the bodies of your campaigns."))
    return account.user


def return_extend(*, request: ReturnRequest, user: AbstractBaseUser, deadline: datetime.date, reason: str) -> None:
    """Move a return's deadline (the campaign's administrators; recorded with the reason)."""
    campaign = request.score.assessment.campaign
    if not access.is_administrator(user, campaign):
        _refuse(_("Only the campaign's administrators extend a return's deadline."))
    if not request.is_open:
        _refuse(_("This return has already been answered."))
    if campaign.status != CampaignStatus.OPEN:
        _refuse(_("The campaign has been finalised."))
    if deadline <= request.deadline:
        raise AppraisalRefused({"deadline": [_("The new deadline must be later than the current one.")]})
    if not reason.strip():
        raise AppraisalRefused({"reason": [_("Say why the deadline is extended.")]})
    request.deadline = deadline
    _stamp(request, user, f"appraisal: deadline extended — {reason.strip()}"[:100])
    request.save()
