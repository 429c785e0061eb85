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
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access
from appraisal.evidence import EvidenceRefused, evidence_check
from appraisal.models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    CampaignStatus,
    Criterion,
    Evidence,
    Kind,
    ReturnRequest,
    Score,
)
from indicators.importing.reading import FileRefused, table_read
from indicators.models import plain_decimal
from indicators.numbers import Convention, NumberFormatError, parse_number


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
    scores = scores_of(assessment)
    with transaction.atomic():
        _version_claim(assessment, expected_version)
        _stamp(assessment, user, "appraisal: draft saved")
        assessment.save(update_fields=["version"])
        for criterion_id, number in parsed.items():
            score = scores[criterion_id]
            text = entries[criterion_id].text
            if score.self_score != number or score.explanation != text:
                score.self_score, score.explanation = number, text
                _stamp(score, user, "appraisal: self-score")
                score.save()


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
    _stamp(assessment, user, f"appraisal: reopened — {reason.strip()}")
    assessment.save()


def evidence_add(*, score: Score, user: AbstractBaseUser, content: bytes, file_name: str) -> Evidence:
    """Store an evidence file for one leaf; raise AppraisalRefused (nothing stored) for a refused file."""
    assessment = score.assessment
    answering = assessment.status == AssessmentStatus.RETURNED and score.returns.filter(answered_at=None).exists()
    if not access.is_reporter_of(user, assessment):
        _refuse(_("Only the body's own reporters attach its evidence."))
    if assessment.status != AssessmentStatus.DRAFT and not answering:
        _refuse(_("The assessment has been submitted; evidence is added only to returned criteria."))
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
    with transaction.atomic():
        _version_claim(assessment, expected_version)
        _stamp(assessment, user, "appraisal: appraised")
        assessment.save(update_fields=["version"])
        for criterion_id, number in parsed.items():
            score = scores[criterion_id]
            reason = entries[criterion_id].text.strip()
            if score.appraised_score != number or score.appraisal_reason != reason:
                score.appraised_score, score.appraisal_reason = number, reason
                _stamp(score, user, "appraisal: appraised score")
                score.save()


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
    with transaction.atomic():
        request = ReturnRequest(score=score, comment=comment.strip(), deadline=deadline, created_by=user)
        _stamp(request, user, "appraisal: returned for explanation")
        request.save()
        assessment.status = AssessmentStatus.RETURNED
        _stamp(assessment, user, "appraisal: returned for explanation")
        assessment.save()
    return request


def return_answer(*, request: ReturnRequest, user: AbstractBaseUser, answer: str) -> None:
    """Record the body's explanation on a returned criterion (only that criterion changes)."""
    assessment = request.score.assessment
    if not access.is_reporter_of(user, assessment):
        _refuse(_("Only the body's own reporters answer a return."))
    if not request.is_open:
        _refuse(_("This return has already been answered."))
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


def survey_import(*, campaign: Campaign, user: AbstractBaseUser, content: bytes, file_name: str) -> SurveyImport:
    """Write survey points from a file (columns body_code, criterion_code, points), all or nothing."""
    result = SurveyImport()
    if not (access.is_chair(user, campaign) or access.is_administrator(user, campaign)):
        result.errors.append(_("Only the chair or an administrator imports survey points."))
        return result
    if campaign.status != CampaignStatus.OPEN:
        result.errors.append(_("The campaign has been finalised."))
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
    campaign = assessment.campaign
    if not (access.is_chair(user, campaign) or access.is_administrator(user, campaign)):
        _refuse(_("Only the chair or an administrator imports survey points."))
    if campaign.status != CampaignStatus.OPEN:
        _refuse(_("The campaign has been finalised."))
    allowed = {c.pk: c for c in leaves(assessment) if c.kind == Kind.SURVEY}
    parsed = _entries_validate(entries, allowed, convention)
    scores = scores_of(assessment)
    with transaction.atomic():
        _version_claim(assessment, expected_version)
        _stamp(assessment, user, "appraisal: survey points entered")
        assessment.save(update_fields=["version"])
        for criterion_id, number in parsed.items():
            score = scores[criterion_id]
            if score.survey_score != number:
                score.survey_score = number
                _stamp(score, user, "appraisal: survey points entered")
                score.save()


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
