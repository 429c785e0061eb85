"""The appraisal's reports: one body's scorecard (with an area radar), the group heatmap and the XLSX table.

The charts follow the site's pattern (indicators.charts: figure dicts drawn by static/reports/charts.js,
no inline script); the figures come from campaign_results, like the publication.
"""

import io
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from appraisal.models import Assessment, Campaign
from appraisal.results import CampaignResults, campaign_results
from appraisal.selectors import assessment_tree
from indicators.charts import SEQUENTIAL_COLOURS, base_layout, chart_context, escape
from indicators.figures import radar_figure


def _plain(number: Decimal | None) -> str:
    return "" if number is None else format(number.normalize(), "f").replace(".", ",")


def scorecard_context(assessment: Assessment) -> dict:
    """Return the scorecard of one body: per criterion self vs appraised vs maximum, lost points and why, radar."""
    results = campaign_results(assessment.campaign)
    body = next(b for b in results.bodies if b.assessment.pk == assessment.pk)
    rows = assessment_tree(assessment)
    lost = [
        row
        for row in rows
        if row.criterion.is_leaf and row.score and (row.score.final_score or 0) < row.criterion.max_score
    ]
    areas = [
        {
            "area": area,
            "points": body.area_points.get(area.pk, Decimal(0)),
            "average": results.area_average(area),
            "best": results.area_best(area),
        }
        for area in results.areas
    ]
    frame = pd.DataFrame(
        [
            {"unit": who, "component": a["area"].code + ". " + a["area"].name[:40], "value": float(value)}
            for a in areas
            for who, value in ((str(assessment.body), a["points"]), (_("group average"), a["average"] or 0))
        ],
        columns=["unit", "component", "value"],
    )
    radar = chart_context(
        chart_id="appraisal-radar",
        title=_("%(body)s: points per area") % {"body": assessment.body},
        figure=radar_figure(frame),
        columns=[_("Body"), _("Area"), _("Points")],
        rows=[[r.unit, r.component, _plain(Decimal(str(r.value)))] for r in frame.itertuples()],
    )
    return {
        "assessment": assessment,
        "campaign": assessment.campaign,
        "body": body,
        "percent": results.percent(body),
        "n_bodies": len(results.bodies),
        "rows": rows,
        "lost": lost,
        "areas": areas,
        "radar": radar,
    }


def group_heatmap(results: CampaignResults) -> object:
    """Return the chart context of a heatmap of bodies × areas (points as % of each area's maximum)."""
    names = [escape(b.assessment.body) for b in results.bodies]
    labels = [escape(f"{a.code}. {a.name[:30]}") for a in results.areas]
    z = [
        [float(b.area_points.get(a.pk, 0) * 100 / a.max_score) if a.max_score else None for a in results.areas]
        for b in results.bodies
    ]
    figure = None
    if results.bodies and results.areas:
        layout = base_layout(height=max(240, 40 * len(names) + 120), margin_left=160)
        layout.update(yaxis={"autorange": "reversed", "automargin": True}, xaxis={"automargin": True})
        figure = {
            "data": [
                {
                    "type": "heatmap",
                    "z": z,
                    "x": labels,
                    "y": names,
                    "colorscale": SEQUENTIAL_COLOURS,
                    "zmin": 0,
                    "zmax": 100,
                    "hovertemplate": "%{y}<br>%{x}: %{z:.1f}%<extra></extra>",
                }
            ],
            "layout": layout,
        }
    return chart_context(
        chart_id="appraisal-heatmap",
        title=_("Points per area as a percentage of the area's maximum"),
        figure=figure,
        columns=[_("Body"), *[f"{a.code}" for a in results.areas]],
        rows=[[n, *[f"{v:.1f}" if v is not None else "" for v in row]] for n, row in zip(names, z, strict=True)],
        empty_message=_("No body has results yet."),
    )


def group_distribution(results: CampaignResults) -> object:
    """Return the chart context of the distribution of the bodies' percentages (a histogram in 5-point bins)."""
    percents = [float(results.percent(b)) for b in results.bodies]
    figure = None
    if percents:
        layout = base_layout(height=300, margin_left=50)
        layout.update(xaxis={"title": {"text": "%"}, "range": [0, 100]}, yaxis={"title": {"text": _("Bodies")}})
        figure = {
            "data": [
                {
                    "type": "histogram",
                    "x": percents,
                    "xbins": {"start": 0, "end": 100, "size": 5},
                    "marker": {"color": "#0072B2"},
                }
            ],
            "layout": layout,
        }
    bins = {}
    for value in percents:
        low = min(int(value // 5) * 5, 95)
        bins[low] = bins.get(low, 0) + 1
    return chart_context(
        chart_id="appraisal-distribution",
        title=_("Distribution of the results (percentage of the maximum)"),
        figure=figure,
        columns=[_("Range"), _("Bodies")],
        rows=[[f"{low}–{low + 5}", n] for low, n in sorted(bins.items())],
        empty_message=_("No body has results yet."),
    )


def results_xlsx(campaign: Campaign) -> bytes:
    """Return the full appraisal table: one row per body, one column per criterion, totals, rank and band."""
    results = campaign_results(campaign)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(campaign.year)
    header = [
        _("Rank"),
        _("Code"),
        _("Body"),
        *[f"{leaf.code} (≤{_plain(leaf.max_score)})" for leaf in results.leaves],
        *[f"{_('Area')} {a.code}" for a in results.areas],
        _("Appraised points"),
        _("Survey points"),
        _("Total"),
        _("Percentage of the maximum"),
        _("Band"),
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for body in results.bodies:
        scores = body.leaf_scores
        leaf_points = [
            float(scores[leaf.pk].final_score)
            if leaf.pk in scores and scores[leaf.pk].final_score is not None
            else None
            for leaf in results.leaves
        ]
        sheet.append(
            [
                body.rank,
                body.assessment.body.code,
                str(body.assessment.body),
                *leaf_points,
                *[float(body.area_points.get(a.pk, 0)) for a in results.areas],
                float(body.appraised),
                float(body.survey),
                float(body.total),
                float(results.percent(body)),
                body.band,
            ]
        )
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
