"""The ranking summary (indicators.ranking_summary): ranks computed once per publication, read by the ranking page.

Two promises, each tested here: the summary always equals a recomputation from scratch after any write
through the gate (``summary_differences``), and the ranking page read from it is byte for byte the page
the pandas path (the reference) builds, with no more queries.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from indicators.models import Direction, RankBasis, RankingAverage, RankingRow, Value, ValueStatus
from indicators.ranking_summary import rebuild, summary_differences
from indicators.services import ValueInput, value_return, values_approve, values_delete, values_submit, values_write
from indicators.signals import values_changed
from provinces.models import Level, Region
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db
ABOLISHED = datetime.date(2023, 6, 30)


@pytest.fixture
def world():
    """Provinces in two regions, districts and communes of one, two indicators (higher and lower is better).

    Ties, a published rank without a value, units without a value, a unit abolished in 2023, values of
    2022 and 2023 (the change), of districts and of communes under a district and under the province.
    """
    source = make_source(title="Báo cáo thử", url="https://example.org/r")
    red = [make_unit(code=f"{n:02d}", short_name=f"Tỉnh Đỏ {n}", region=Region.RED_RIVER_DELTA) for n in (1, 2, 3, 4)]
    south = [make_unit(code=f"{n:02d}", short_name=f"Tỉnh Nam {n}", region=Region.MEKONG_DELTA) for n in (80, 81, 82)]
    gone = make_unit(code="90", short_name="Tỉnh cũ", region=Region.MEKONG_DELTA, valid_to=ABOLISHED)
    districts = [
        make_unit(level=Level.DISTRICT, code=f"{n:03d}", short_name=f"Huyện {n}", parent=red[0]) for n in (1, 2, 3)
    ]
    communes = [
        make_unit(level=Level.COMMUNE, code=f"{n:05d}", short_name=f"Xã {n}", parent=districts[n % 2])
        for n in range(1, 6)
    ]
    communes.append(make_unit(level=Level.COMMUNE, code="00009", short_name="Phường thẳng", parent=red[0]))
    higher = make_indicator(code="par_index", levels="province,district,commune")
    lower = make_indicator(code="cost_days", direction=Direction.LOWER, measure_unit="days", max_value=1000)
    figures = {
        2022: [("01", "70"), ("02", "75"), ("03", "70"), ("80", "60"), ("90", "50"), ("81", "64.5")],
        2023: [("01", "72.5"), ("02", "72.5"), ("03", "80"), ("80", "61.25"), ("90", "55"), ("82", "90")],
    }
    provinces = {u.code: u for u in [*red, *south, gone]}
    for year, rows in figures.items():
        for code, value in rows:
            make_value(indicator=higher, unit=provinces[code], year=year, value=value, source=source)
            make_value(indicator=lower, unit=provinces[code], year=year, value=str(100 - float(value)), source=source)
    # A published rank without a value (some sources publish only ranks).
    make_value(indicator=higher, unit=red[3], year=2023, value=None, rank=2, rank_basis=RankBasis.STATED, source=source)
    for n, district in enumerate(districts[:2]):
        make_value(indicator=higher, unit=district, year=2023, value=str(60 + n), source=source)
        make_value(indicator=higher, unit=district, year=2022, value=str(65 - n), source=source)
    for n, commune in enumerate(communes[:4]):
        make_value(indicator=higher, unit=commune, year=2023, value=str(50 + n % 2), source=source)
    make_value(indicator=higher, unit=communes[5], year=2022, value="40", source=source)
    return {"higher": higher, "lower": lower, "source": source, "provinces": provinces, "communes": communes}


QUERIES = [
    "",
    "&figures=all",
    "&figures=with",
    "&region=red_river_delta",
    "&region=mekong_delta&figures=all",
    "&region=mekong_delta&figures=with",
    "&highlight=80",
    "&highlight=03&page=1",
    "&page=2",
    "&page=x",
    "&level=district&within=01",
    "&level=district&within=01&figures=all",
    "&level=commune&within=01",
    "&level=commune&within=01&figures=with",
    "&level=commune&within=01&highlight=00009",
    "&level=commune&within=all",
    "&level=commune&within=all&figures=all",
    "&level=commune&within=02",
]
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|print-meta">[^<]*')  # a token, a time per request


def _page(client, url: str) -> tuple[bytes, int]:
    # Each page read cold, in a data generation of its own: the form's choices, kept per generation
    # (reports.rankings.choices), are read by both paths' pages alike and the counts compare like for like.
    values_changed()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return CSRF.sub(b"", response.content), len(queries)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_read_from_the_summary_is_the_page_the_pandas_path_builds(client, settings, world, language):
    settings.PAGE_CACHE_SECONDS = 0
    rebuild()
    assert summary_differences() == []
    urls = [
        f"/rankings/?indicator={code}&year={year}{query}"
        for code in ("par_index", "cost_days")
        for year in (2022, 2023)
        for query in QUERIES
    ]
    with translation.override(language):
        client.cookies["django_language"] = language
        from_summary = {url: _page(client, url) for url in urls}
        RankingRow.objects.all().delete()
        RankingAverage.objects.all().delete()
        from_pandas = {url: _page(client, url) for url in urls}
    for url in urls:
        summary, pandas_page = from_summary[url][0], from_pandas[url][0]
        if summary != pandas_page:
            at = next(n for n, (a, b) in enumerate(zip(summary, pandas_page, strict=False)) if a != b)
            context = (summary[at - 300 : at + 100], pandas_page[at - 300 : at + 100])
            raise AssertionError(
                f"{url}: summary\n{context[0].decode(errors='replace')}\npandas\n{context[1].decode(errors='replace')}"
            )
        assert from_summary[url][1] <= from_pandas[url][1], url


def test_the_summary_is_used_and_pages_hold_its_ranks(client, settings, world):
    settings.PAGE_CACHE_SECONDS = 0
    rebuild()
    row = RankingRow.objects.get(indicator=world["higher"], year=2023, unit__code="03")
    # 2nd of five; among the four with a 2022 value too, 2nd (tied) in 2022 and 1st now: up one place.
    assert (row.rank, row.previous_rank, row.rank_change) == (2, 2, 1)
    tied = RankingRow.objects.filter(indicator=world["higher"], year=2023, unit__code__in=["01", "02"])
    assert {r.rank for r in tied} == {3}
    assert not RankingRow.objects.filter(unit__code="90", year=2023).exists()  # abolished in 2023
    lower = RankingRow.objects.get(indicator=world["lower"], year=2023, unit__code="80")
    assert (lower.rank, lower.region_rank) == (5, 2)  # 38.75 days: the most of five, and of the south's two
    with CaptureQueriesContext(connection) as queries:
        client.get("/rankings/?indicator=par_index&year=2023")
    assert any("indicators_rankingrow" in q["sql"] for q in queries.captured_queries)


def _check():
    assert summary_differences() == []


def test_every_write_through_the_gate_keeps_the_summary_exact(world, django_user_model):
    rebuild()
    _check()
    admin = django_user_model.objects.create_superuser("national", "n@example.org", None)
    higher, source, provinces = world["higher"], world["source"], world["provinces"]
    # A publishing write (the loaders, the appraisal publication): a new figure and a changed one.
    values_write(
        rows=[
            ValueInput(indicator=higher, unit=provinces["04"], year=2022, value=Decimal("99"), source=source),
            ValueInput(
                indicator=higher,
                unit=provinces["01"],
                year=2023,
                value=Decimal("10"),
                source=source,
                expected_version=Value.objects.get(indicator=higher, unit=provinces["01"], year=2023).version,
            ),
        ],
        user=None,
        channel="test",
        publish=True,
    )
    _check()
    # A draft, submitted then approved; a correction of a published figure, approved.
    draft = make_value(indicator=higher, unit=provinces["81"], year=2023, value="71", status=ValueStatus.DRAFT)
    values_submit(values=[draft], user=admin, channel="test")
    values_approve(values=[draft], user=admin, channel="test")
    _check()
    published = Value.objects.get(indicator=higher, unit=provinces["02"], year=2023)
    values_write(
        rows=[
            ValueInput(
                indicator=higher,
                unit=provinces["02"],
                year=2023,
                value=Decimal("1"),
                source=source,
                expected_version=published.version,
            )
        ],
        user=admin,
        channel="test",
    )
    _check()  # the correction is a draft: nothing public changed
    correction = Value.objects.get(correction_of=published)
    values_submit(values=[correction], user=admin, channel="test")
    values_approve(values=[correction], user=admin, channel="test")
    _check()
    # Returned to draft: nothing public changes.
    other = make_value(indicator=higher, unit=provinces["82"], year=2022, value="12", status=ValueStatus.DRAFT)
    values_submit(values=[other], user=admin, channel="test")
    assert value_return(value=other, user=admin, comment="Sai nguồn", channel="test") is None
    _check()
    # A published figure deleted (the year after it changes too).
    values_delete(
        values=[Value.objects.get(indicator=higher, unit=provinces["03"], year=2022)], user=admin, channel="t"
    )
    _check()
    assert RankingRow.objects.get(indicator=higher, year=2023, unit__code="03").previous_value is None


def test_a_publishing_import_keeps_the_summary_exact(world):
    from indicators.importing import values_import

    rebuild()
    content = "unit,year,indicator,value,source_title,source_url\nTỉnh Nam 82,2022,par_index,45,Báo cáo thử,https://example.org/r\n"
    report = values_import(content=content.encode(), file_name="par_index.csv", publish=True)
    assert report.written
    _check()
    assert RankingRow.objects.get(indicator=world["higher"], year=2023, unit__code="82").previous_value == 45


def test_rebuildranks_rebuilds_and_checks(world, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("rebuildranks")
    call_command("rebuildranks", "--check")
    assert "matches" in capsys.readouterr().out
    RankingRow.objects.filter(unit__code="01").update(rank=99)
    with pytest.raises(CommandError):
        call_command("rebuildranks", "--check")


OLD_BODY = (
    "{% for row_attrs, cells in table.body_rows %}\n"
    "<tr {{ row_attrs }}>{% for cell_attrs, cell in cells %}<td {{ cell_attrs }}>{{ cell }}</td>{% endfor %}</tr>\n"
    '{% empty %}{% if table.empty_text %}<tr><td colspan="{{ table.columns|length }}">{{ table.empty_text }}</td>'
    "</tr>{% endif %}\n{% endfor %}"
)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_table_body_written_in_python_is_the_template_loops(client, settings, world, language):
    from django.template import Context, Template

    from reports.rankings.tables import RankingTable

    settings.PAGE_CACHE_SECONDS = 0
    with translation.override(language):
        tables = [
            client.get(f"/rankings/?indicator=par_index&year=2023{query}").context["table"]
            for query in ("&figures=all", "&region=mekong_delta", "&level=commune&within=01&figures=all")
        ]
        tables.append(RankingTable([], indicator=world["higher"], year=2023, with_region_rank=False))
        for table in tables:
            old = Template(OLD_BODY).render(Context({"table": table}))
            assert Template("{{ table.body_html }}").render(Context({"table": table})) == old
        assert "no-data" in Template(OLD_BODY).render(Context({"table": tables[0]}))
