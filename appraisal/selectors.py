"""Reads for the appraisal pages: the tree of one assessment with its scores, evidence and returns."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from appraisal.models import Assessment, Campaign, CampaignStatus, Criterion, Evidence, Kind, ReturnRequest, Score
from appraisal.services import scores_of


@dataclass
class TreeRow:
    """One node of the tree as the form shows it; leaves carry their score, evidence and returns."""

    criterion: Criterion
    depth: int
    score: Score | None = None
    evidence: list[Evidence] = field(default_factory=list)
    returns: list[ReturnRequest] = field(default_factory=list)
    self_total: Decimal | None = None
    appraised_total: Decimal | None = None
    editable: bool = False
    typed_score: str | None = None
    typed_text: str | None = None
    ancestors: list[int] = field(default_factory=list)

    @property
    def open_return(self) -> ReturnRequest | None:
        return next((r for r in self.returns if r.is_open), None)

    @property
    def is_survey(self) -> bool:
        return self.criterion.kind == Kind.SURVEY

    @property
    def lost(self) -> Decimal | None:
        """Return the points below the maximum that a scored leaf did not get."""
        final = self.score.final_score if self.score and self.criterion.is_leaf else None
        return None if final is None else self.criterion.max_score - final

    @property
    def differs(self) -> bool:
        s = self.score
        return bool(s and s.appraised_score is not None and s.appraised_score != s.self_score)


_DEPTH = {"area": 0, "criterion": 1, "subcriterion": 2}


def assessment_tree(assessment: Assessment) -> list[TreeRow]:
    """Return the set's nodes in order, leaves with their scores; inner nodes with their sums. Five queries."""
    scores = scores_of(assessment)
    criteria = list(Criterion.objects.filter(criteria_set_id=assessment.campaign.criteria_set_id).order_by("position"))
    evidence: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(score__assessment=assessment).select_related("score"):
        evidence.setdefault(item.score.criterion_id, []).append(item)
    returns: dict[int, list[ReturnRequest]] = {}
    for item in ReturnRequest.objects.filter(score__assessment=assessment).select_related("score"):
        returns.setdefault(item.score.criterion_id, []).append(item)
    rows = [
        TreeRow(
            criterion=c,
            depth=_DEPTH.get(c.level, 0),
            score=scores.get(c.pk),
            evidence=evidence.get(c.pk, []),
            returns=returns.get(c.pk, []),
        )
        for c in criteria
    ]
    _sums(rows)
    return rows


def _sums(rows: list[TreeRow]) -> None:
    """Give every inner node the sums of the self and appraised scores of the leaves below it."""
    by_id = {row.criterion.pk: row for row in rows}
    for row in rows:
        parent_id = row.criterion.parent_id
        while parent_id is not None:
            row.ancestors.append(parent_id)
            parent_id = by_id[parent_id].criterion.parent_id
    for row in rows:
        if not row.criterion.is_leaf or row.score is None:
            continue
        self_points = row.score.self_score or Decimal(0)
        final = row.score.final_score or Decimal(0)
        parent_id = row.criterion.parent_id
        while parent_id is not None:
            parent = by_id[parent_id]
            parent.self_total = (parent.self_total or Decimal(0)) + self_points
            parent.appraised_total = (parent.appraised_total or Decimal(0)) + final
            parent_id = parent.criterion.parent_id


def campaign_overview(campaign: Campaign) -> QuerySet[Assessment]:
    """Return the campaign's assessments with their open returns and evidence counts, in Vietnamese order."""
    return (
        campaign.assessments.select_related("body")
        .annotate(
            open_returns=Count("scores__returns", filter=Q(scores__returns__answered_at=None), distinct=True),
            evidence_count=Count("scores__evidence", distinct=True),
        )
        .order_by("body__sort_key")
    )


def published_assessment(*, pk: int) -> Assessment | None:
    """Return the assessment when its campaign's results are published (public), else None."""
    return (
        Assessment.objects.select_related("campaign__criteria_set", "body")
        .filter(pk=pk, campaign__status=CampaignStatus.PUBLISHED)
        .first()
    )


def previous_index(campaign: Campaign) -> dict[int, Decimal]:
    """Return the bodies' published PAR Index of the year before the campaign's, by unit id (one query)."""
    from indicators.models import Value, ValueStatus

    rows = Value.objects.filter(
        indicator__code="par_index",
        year=campaign.year - 1,
        unit_id__in=campaign.assessments.values("body_id"),
        status=ValueStatus.APPROVED,
        correction_of__isnull=True,
        value__isnull=False,
    ).values_list("unit_id", "value")
    return dict(rows)
