"""The results of a campaign: points, percentage of the maximum, per-area scores, ranks and bands.

Computed from the scores in a fixed number of queries; the reports, the XLSX table and the
publication all read them from here, so that they always agree.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from appraisal.models import Assessment, Campaign, Criterion, Kind, NodeLevel, Score

TWO = Decimal("0.01")


@dataclass
class BodyResult:
    assessment: Assessment
    leaf_scores: dict[int, Score] = field(default_factory=dict)
    area_points: dict[int, Decimal] = field(default_factory=dict)
    appraised: Decimal = Decimal(0)
    survey: Decimal = Decimal(0)
    self_total: Decimal = Decimal(0)
    rank: int | None = None
    band: str = ""

    @property
    def total(self) -> Decimal:
        return self.appraised + self.survey


@dataclass
class CampaignResults:
    campaign: Campaign
    areas: list[Criterion]
    leaves: list[Criterion]
    bodies: list[BodyResult]

    def percent(self, body: BodyResult) -> Decimal:
        maximum = self.campaign.criteria_set.total_max
        return (body.total * 100 / maximum).quantize(TWO, ROUND_HALF_UP) if maximum else Decimal(0)

    def area_average(self, area: Criterion) -> Decimal | None:
        values = [b.area_points.get(area.pk, Decimal(0)) for b in self.bodies]
        return (sum(values) / len(values)).quantize(TWO, ROUND_HALF_UP) if values else None

    def area_best(self, area: Criterion) -> Decimal | None:
        values = [b.area_points.get(area.pk, Decimal(0)) for b in self.bodies]
        return max(values) if values else None


def _area_of(criterion: Criterion) -> Criterion:
    node = criterion
    while node.parent is not None:
        node = node.parent
    return node


def campaign_results(campaign: Campaign) -> CampaignResults:
    """Return every body's result, ranked (competition ranking: ties share a rank, the next is skipped)."""
    criteria = list(
        Criterion.objects.filter(criteria_set_id=campaign.criteria_set_id)
        .select_related("parent__parent")
        .order_by("position")
    )
    areas = [c for c in criteria if c.level == NodeLevel.AREA]
    leaves = [c for c in criteria if c.is_leaf]
    area_of = {c.pk: _area_of(c).pk for c in leaves}
    by_id = {c.pk: c for c in criteria}
    assessments = list(campaign.assessments.select_related("body").order_by("body__sort_key"))
    scores: dict[int, dict[int, Score]] = {a.pk: {} for a in assessments}
    for score in Score.objects.filter(assessment__campaign=campaign):
        score.criterion = by_id[score.criterion_id]
        scores[score.assessment_id][score.criterion_id] = score
    bodies = []
    for assessment in assessments:
        result = BodyResult(assessment=assessment, leaf_scores=scores[assessment.pk])
        for leaf in leaves:
            score = result.leaf_scores.get(leaf.pk)
            points = (score.final_score if score else None) or Decimal(0)
            result.area_points[area_of[leaf.pk]] = result.area_points.get(area_of[leaf.pk], Decimal(0)) + points
            if leaf.kind == Kind.SURVEY:
                result.survey += points
            else:
                result.appraised += points
                result.self_total += (score.self_score if score else None) or Decimal(0)
        bodies.append(result)
    results = CampaignResults(campaign=campaign, areas=areas, leaves=leaves, bodies=bodies)
    _rank(results)
    return results


def _rank(results: CampaignResults) -> None:
    ordered = sorted(results.bodies, key=lambda b: b.total, reverse=True)
    bands = results.campaign.criteria_set.band_list()
    for position, body in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        body.rank = previous.rank if previous and previous.total == body.total else position
        percent = results.percent(body)
        body.band = next((label for label, lowest in bands if percent >= lowest), "")
    results.bodies = ordered
