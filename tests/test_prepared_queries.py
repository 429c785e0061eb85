"""A query compiled once (config.prepared_queries) gives what its queryset gives, with each call's values."""

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from config.prepared_queries import PreparedQuery
from indicators.models import Value
from provinces.models import AdministrativeUnit, Level
from tests.factories import make_indicator, make_unit, make_value

pytestmark = pytest.mark.django_db


def _units(*, level: str, region: str, parent_id: int | None = None):
    units = AdministrativeUnit.objects.filter(Q(level=level) & (Q(region=region) | Q(code="99")))
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    return units.order_by(F("sort_key").asc(nulls_last=True), "code").values_list("code", "short_name", "valid_to")


UNITS = PreparedQuery(_units, texts=("level", "region"))
CHILDREN = PreparedQuery(_units, numbers=("parent_id",), texts=("level", "region"))
VALUES = PreparedQuery(
    lambda *, year, ids: Value.objects.filter(year=year, pk__in=ids).order_by("pk").values_list("pk", "value"),
    numbers=("year",),
    lists=("ids",),
)


@pytest.fixture
def units():
    provinces = [make_unit(code=f"{n:02d}", short_name=f"Tỉnh {n}", region="mekong_delta") for n in range(1, 8)]
    make_unit(code="99", short_name="Tỉnh chín chín", region="red_river_delta")
    for n in range(3):
        make_unit(level=Level.DISTRICT, code=f"1{n:02d}", short_name=f"Huyện {n}", parent=provinces[0])
    return provinces


def test_the_rows_are_the_querysets_whatever_the_values_and_the_slice(units):
    for level, region in ((Level.PROVINCE, "mekong_delta"), (Level.PROVINCE, "north_central"), (Level.DISTRICT, "")):
        expected = list(_units(level=level, region=region))
        assert UNITS.rows(level=level, region=region) == expected
        for part in (slice(0, 3), slice(3, 6), slice(6, 100), slice(2, 2)):
            assert UNITS.rows(level=level, region=region, slice_=part) == expected[part]
    children = CHILDREN.rows(parent_id=units[0].pk, level=Level.DISTRICT, region="")  # districts have no region
    assert [code for code, *_ in children] == ["100", "101", "102"]
    assert CHILDREN.rows(parent_id=units[1].pk, level=Level.DISTRICT, region="") == []


def test_values_come_back_converted_as_the_orm_converts_them(units):
    indicator = make_indicator(code="par_index", decimals=2)
    values = [
        make_value(indicator=indicator, unit=unit, year=2023, value=f"{80 + n}.25") for n, unit in enumerate(units)
    ]
    ids = [value.pk for value in values[:4]]
    rows = VALUES.rows(year=2023, ids=ids)
    assert rows == list(Value.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "value"))
    assert VALUES.rows(year=2023, ids=ids[:1]) == rows[:1]  # another length: compiled again
    assert VALUES.rows(year=2022, ids=ids) == []


def test_one_query_per_call_and_none_for_an_empty_slice(units):
    UNITS.rows(level=Level.PROVINCE, region="mekong_delta")
    with CaptureQueriesContext(connection) as queries:
        UNITS.rows(level=Level.PROVINCE, region="red_river_delta", slice_=slice(0, 5))
        UNITS.rows(level=Level.PROVINCE, region="red_river_delta", slice_=slice(5, 5))
    assert len(queries) == 1


def test_a_value_the_sql_does_not_take_as_a_parameter_is_refused():
    # A value folded into the SQL's text (or not used) would be the compiled stand-in's on every call.
    broken = PreparedQuery(
        lambda *, region, level: AdministrativeUnit.objects.filter(region=region).values_list("code"),
        texts=("region", "level"),
    )
    with pytest.raises(ValueError, match="stand-ins"):
        broken.rows(region="x")
    with pytest.raises(ValueError, match="empty list"):
        VALUES.rows(year=2023, ids=[])


@pytest.mark.django_db(transaction=True)
def test_a_threads_compiled_queries_go_with_its_connection(units):
    """runserver answers each request in a new thread, with a new connection: none may be kept alive."""
    import gc
    import threading
    import weakref

    from django.db import connections

    seen = {}

    def request() -> None:
        seen["rows"] = UNITS.rows(level=Level.PROVINCE, region="mekong_delta")
        seen["connection"] = weakref.ref(connections["default"])
        connections.close_all()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    gc.collect()
    assert len(seen["rows"]) == 8
    assert seen["connection"]() is None
