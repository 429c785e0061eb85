"""The bulk export through PostgreSQL's COPY writes exactly the bytes of the Python CSV writer."""

import pytest
from django.db import connection

from indicators.selectors import public_values
from reports.exports.downloads import values_export_copy_stream, values_export_stream
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite uses the csv writer"),
]


def test_copy_export_is_byte_for_byte_the_csv_writers(client):
    province = make_unit(code="01", short_name="Hà Nội")
    commune = make_unit(level="commune", code="00004", short_name='=Ba Đình, "cũ"', parent=province)
    par = make_indicator(code="par_index", name_en='PAR, "Index"')
    count = make_indicator(code="procedures", measure_unit="count", max_value=None, decimals=0)
    source = make_source(title="-2 report\nsecond line", url="")
    make_value(indicator=par, unit=province, year=2023, value="99.7", rank=3, rank_basis="stated", note="")
    make_value(indicator=par, unit=commune, year=2023, value="80", note='@note\r\nwith lines, and "quotes"')
    make_value(indicator=count, unit=province, year=2024, value="120", source=source, note="+1\ttab")
    make_value(indicator=par, unit=province, year=2024, value=None, rank=7, rank_basis="order_implied")
    make_value(indicator=count, unit=commune, year=2024, value="3", note="\uff1d1+1")
    make_value(indicator=count, unit=province, year=2023, value="-2", note="|cmd")
    python = "".join(values_export_stream(public_values())).encode()
    copied = b"".join(values_export_copy_stream(public_values()))
    assert copied == python
    response = client.get("/export/values.csv")
    assert b"".join(response.streaming_content) == python
