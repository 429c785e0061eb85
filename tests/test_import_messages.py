"""The import preview and messages an official reads (issue 15): problems grouped, years as years, drafts said."""

import pytest

from indicators.importing.jobs import line_ranges
from tests.factories import make_indicator, make_source, make_unit
from tests.staff import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    units = [make_unit(code=f"{n:02d}", short_name=name) for n, name in enumerate(["Hà Nội", "Huế", "Cà Mau"], 1)]
    for code in ("par_index", "sipas", "papi"):
        make_indicator(code=code, levels="province")
    return {"units": units, "source": make_source(title="Báo cáo 2023")}


def test_line_ranges_are_short():
    assert line_ranges([2, 3, 4, 7, 9, 10]) == "2–4, 7, 9–10"
    assert line_ranges([5]) == "5"


def test_a_missing_source_is_stated_once_for_the_whole_file(staff_client, world):
    rows = "".join(f"{u.short_name},2023,par_index,{80 + i}\n" for i, u in enumerate(world["units"]))
    response = upload(staff_client, "unit,year,indicator,value\n" + rows)  # no source: not in the file, not chosen
    preview = staff_client.get(response["Location"]).context["preview"]

    assert len(preview["file_problems"]) == 1
    assert preview["file_problems"][0]["lines"] == "2–4"
    assert preview["error_lines"] == []


def test_a_wide_rows_problem_is_listed_once_for_its_line_with_every_column(staff_client, world):
    content = "unit,year,par_index,sipas,papi\nNơi Không Có,2023,80,81,82\nHuế,2023,70,71,72\n"
    response = upload(staff_client, content, source=world["source"])
    page = staff_client.get(response["Location"])
    preview = page.context["preview"]

    assert preview["file_problems"] == []
    assert [row["line"] for row in preview["error_lines"]] == [2]
    assert len(preview["error_lines"][0]["problems"]) == 1
    html = page.content.decode()
    assert html.count("Nơi Không Có") >= 1 and "2.023" not in html


def test_the_success_message_says_the_imported_rows_are_drafts(staff_client, world):
    response = upload(staff_client, "unit,year,indicator,value\nHuế,2023,par_index,80\n", source=world["source"])
    preview_url = response["Location"]
    staff_client.get(preview_url)
    confirmed = staff_client.post(preview_url, follow=True)
    text = " ".join(str(m) for m in confirmed.context["messages"])
    assert "bản nháp — gửi duyệt" in text
