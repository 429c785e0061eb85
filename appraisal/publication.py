"""The campaign's results as catalogue values: par_index (% of the maximum, with the rank) and the areas' points.

The only place where the appraisal module writes indicator values. It hands the rows to the
indicators' write gate (``indicators.services.values_write`` with ``publish=True``), which checks the
chair's approval permission and province scope, year locks, levels, ranges and versions; a refusal
raises and writes nothing. The source of every value is the campaign's decision.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from appraisal.models import Campaign
from appraisal.results import campaign_results
from indicators.models import Indicator, RankBasis, Source, Value
from indicators.services import ValueInput, WriteRefused, values_write


class PublicationRefused(Exception):
    """The write gate refused the results; ``errors`` says why, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def decision_source(campaign: Campaign) -> Source:
    """Return the Source of the campaign's decision (created once, found again by title and URL)."""
    title = _("Decision %(number)s of %(date)s (%(campaign)s)") % {
        "number": campaign.decision_number,
        "date": campaign.decision_date.strftime("%d/%m/%Y") if campaign.decision_date else "",
        "campaign": campaign.name,
    }
    source, _created = Source.objects.get_or_create(
        title=title[:400],
        url=campaign.decision_url,
        defaults={"publisher": campaign.decision_issuer, "published_on": campaign.decision_date},
    )
    return source


def results_inputs(campaign: Campaign, *, source: Source) -> list[ValueInput]:
    """Return one row per body and indicator: par_index with its rank, and each mapped area's points."""
    results = campaign_results(campaign)
    index = Indicator.objects.get(code="par_index")
    wanted: list[tuple[Indicator, object, object, int | None]] = []
    for body in results.bodies:
        unit = body.assessment.body
        wanted.append((index, unit, results.percent(body), body.rank))
        wanted += [(a.indicator, unit, body.area_points.get(a.pk, 0), None) for a in results.areas if a.indicator_id]
    units = {u.pk for _i, u, _v, _r in wanted}
    stored = {
        (v.indicator_id, v.unit_id): v.version
        for v in Value.objects.filter(year=campaign.year, unit_id__in=units, correction_of__isnull=True)
    }
    note = f"appraisal: {campaign.name}"
    return [
        ValueInput(
            indicator=indicator,
            unit=unit,
            year=campaign.year,
            value=value,
            rank=rank,
            rank_basis=RankBasis.STATED if rank else "",
            source=source,
            note=note,
            expected_version=stored.get((indicator.pk, unit.pk)),
            row=f"{unit.code} {indicator.code}",
        )
        for indicator, unit, value, rank in wanted
    ]


def results_values_write(*, campaign: Campaign, user: AbstractBaseUser) -> int:
    """Write the results through the gate, published; return the number of values; raise PublicationRefused."""
    rows = results_inputs(campaign, source=decision_source(campaign))
    try:
        written = values_write(rows=rows, user=user, channel=f"appraisal: {campaign.name}", publish=True)
    except WriteRefused as exc:
        raise PublicationRefused(list(exc.messages)) from exc
    return len(written)
