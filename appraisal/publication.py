"""The campaign's results as catalogue values: par_index (% of the maximum, with the rank) and the areas' points.

The only place where the appraisal module writes indicator values. It hands the rows to the
indicators' write gate (today the import service with ``publish=True``, the path of every
published figure), which checks scope, year locks, levels and ranges; a refusal raises and writes
nothing. The source of every value is the campaign's decision.
"""

import csv
import io

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from appraisal.models import Campaign
from appraisal.results import campaign_results
from indicators.importing.service import values_import

COLUMNS = [
    "unit_code",
    "level",
    "year",
    "indicator",
    "value",
    "rank",
    "rank_basis",
    "note",
    "source_title",
    "source_url",
    "source_publisher",
    "source_date",
]


class PublicationRefused(Exception):
    """The write gate refused the results; ``errors`` says why, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def results_rows(campaign: Campaign) -> list[dict[str, str]]:
    """Return one row per body and indicator: par_index with rank, and each mapped area's points."""
    results = campaign_results(campaign)
    source = {
        "source_title": _("Decision %(number)s (%(campaign)s)")
        % {"number": campaign.decision_number, "campaign": campaign.name},
        "source_url": campaign.decision_url,
        "source_publisher": campaign.decision_issuer,
        "source_date": campaign.decision_date.isoformat() if campaign.decision_date else "",
    }
    rows = []
    for body in results.bodies:
        unit = body.assessment.body
        common = {"unit_code": unit.code, "level": unit.level, "year": str(campaign.year), **source}
        rows.append(
            {
                **common,
                "indicator": "par_index",
                "value": format(results.percent(body), "f"),
                "rank": str(body.rank),
                "rank_basis": "stated",
                "note": f"appraisal: {campaign.name}",
            }
        )
        for area in results.areas:
            if area.indicator_id:
                points = body.area_points.get(area.pk)
                rows.append(
                    {
                        **common,
                        "indicator": area.indicator.code,
                        "value": format(points, "f"),
                        "rank": "",
                        "rank_basis": "",
                        "note": f"appraisal: {campaign.name}",
                    }
                )
    return rows


def results_values_write(*, campaign: Campaign, user: AbstractBaseUser) -> int:
    """Write the results through the gate, published; return the number of values; raise PublicationRefused."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in results_rows(campaign):
        writer.writerow(row)
    report = values_import(
        content=buffer.getvalue().encode("utf-8"),
        file_name=f"appraisal_{campaign.pk}.csv",
        user=user,
        note=f"appraisal: {campaign.name}",
        publish=True,
        decimal="dot",
    )
    if not report.ok:
        raise PublicationRefused([report.file_error] if report.file_error else [str(e) for e in report.errors])
    counts = report.counts
    return counts["create"] + counts["update"] + counts.get("unchanged", 0)
