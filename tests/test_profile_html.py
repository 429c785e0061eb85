"""The profile's hot HTML written in Python is byte for byte what its templates wrote."""

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from indicators.charts import chart_context
from indicators.models import Qualifier, RankBasis
from reports.shared.page_charts import charts_html
from tests.factories import make_indicator, make_value
from tests.merger_units import build_merger

pytestmark = pytest.mark.django_db

#: The value table's body as reports/province.html wrote it before value_rows_html.
OLD_ROWS = """{% for row in table.rows %}{% if row.group %}
            <tr class="group-head"><th scope="rowgroup" colspan="{{ table.years|length|add:2 }}">{{ row.group }}</th></tr>{% endif %}
            <tr{% if row.first or not row.is_main %} class="{% if row.first %}group-start{% endif %}{% if not row.is_main %} related{% endif %}"{% endif %}>
              <th scope="row">{% if row.first %}<a href="{% url 'reports:indicator' code=row.code %}">{{ row.indicator }}</a>{% endif %}</th>
              <td class="text">{{ row.unit }}</td>
              {{ row.cells_html }}
            </tr>
          {% endfor %}"""


@pytest.fixture
def merged_profile():
    """A merged province with predecessors, two indicator groups, marks and a name that needs escaping."""
    m = build_merger()
    m.bac_giang.short_name = "Bắc <Giang> & 'co'"
    m.bac_giang.save()
    other = make_indicator(code="pci", name_vi="PCI <“chỉ số”>", name_en="PCI & co", group="business")
    make_value(indicator=m.par, unit=m.bac_giang, year=2022, value="85", rank=9, rank_basis=RankBasis.DERIVED)
    make_value(indicator=m.par, unit=m.bac_giang, year=2023, value="87.5", qualifier=Qualifier.AS_OF)
    make_value(indicator=m.par, unit=m.bac_ninh_old, year=2023, value="90", note='a "quoted" <note>')
    for unit, value in zip(m.others, ["80", "82", "88"], strict=True):
        make_value(indicator=m.par, unit=unit, year=2023, value=value)
        make_value(indicator=other, unit=unit, year=2024, value=value)
    make_value(indicator=m.par, unit=m.bac_ninh_new, year=2025, value="91")
    make_value(indicator=other, unit=m.bac_ninh_new, year=2025, value="64.25", qualifier=Qualifier.MORE_THAN)
    return m


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_value_table_rows_are_the_templates_loop_byte_for_byte(client, merged_profile, language):
    settings.PAGE_CACHE_SECONDS = 0
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    table = client.get(reverse("reports:province", args=["24"])).context["table"]
    assert len(table["rows"]) >= 4 and any(not row["is_main"] for row in table["rows"])
    with translation.override(language):
        assert table["body_html"] == Template(OLD_ROWS).render(Context({"table": table}))
    assert (
        table["body_html"].count("group-head") == 2 and "Bắc &lt;Giang&gt; &amp; &#x27;co&#x27;" in table["body_html"]
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_pages_charts_are_the_templates_include_byte_for_byte(client, merged_profile, language):
    settings.PAGE_CACHE_SECONDS = 0
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("reports:province", args=["24"]))
    charts, url = response.context["small_multiples"], response.context["figures_url"]
    assert len(charts) == 2
    with translation.override(language):
        old = "".join(render_to_string("reports/_chart.html", {"chart": c, "figures_url": url}) for c in charts)
        assert charts_html(charts, figures_url=url) == old


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_branch_of_a_chart_is_the_templates_byte_for_byte(language):
    figure = {"data": [], "layout": {"height": 260.0}}
    charts = [
        chart_context(chart_id="a", title="A & <b>", figure=figure, csv_url="/x/?a=1&format=csv", note="n <1>"),
        chart_context(
            chart_id="b",
            title="B 'quoted'",
            figure={"data": [], "layout": {}},
            csv_url="/x/?b=1&format=csv",
            table_url="/x/?b=1&format=table",
            summary='sum "up"',
            filename="file&name",
        ),
        chart_context(chart_id="c", title="C", figure=None, empty_message="Nothing <here>"),
        chart_context(chart_id="d", title="D", figure=None),
        chart_context(chart_id="e", title="E", figure=figure, columns=["Year", "V"], rows=[[2024, "1,5"]]),
        chart_context(chart_id="f", title="F", figure=figure, columns=["Y"], rows=[[1]], table_url="/t/?x=1"),
    ]
    url = "/provinces/24/?on=2025-07-01&format=figures"
    with translation.override(language):
        for chart in charts:
            old = render_to_string("reports/_chart.html", {"chart": chart, "figures_url": url})
            assert charts_html([chart], figures_url=url) == old
        assert charts_html(charts, figures_url="") == "".join(
            render_to_string("reports/_chart.html", {"chart": chart, "figures_url": ""}) for chart in charts
        )
