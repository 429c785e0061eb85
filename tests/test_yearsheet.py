"""The year sheet: every indicator of one unit for one year, entered and saved together."""

from decimal import Decimal
from itertools import groupby

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from indicators.catalogue import catalogue_load
from indicators.models import IndicatorGroup, MeasureUnit, Value
from provinces.models import REORGANISATION_DATE, Level
from tests.factories import make_indicator, make_source, make_unit, make_value
from tests.staff import SHEET_URL as URL
from tests.staff import fill_sheet, sheet_form_data

SHEET_QUERIES = 8  # session, user, the unit (form + widget label), indicators, stored values, their sources, locks


@pytest.fixture
def english(staff_client):
    staff_client.cookies["django_language"] = "en"
    return staff_client


@pytest.fixture
def sheet(db):
    """A 63-structure province with a count, a percentage and a PAPI-like indicator."""
    return {
        "unit": make_unit(short_name="Hà Tĩnh", code="42"),
        "count": make_indicator(
            code="online_services_level3", group=IndicatorGroup.DIGITAL, measure_unit=MeasureUnit.COUNT, max_value=None
        ),
        "percent": make_indicator(code="on_time_rate", group=IndicatorGroup.PROCEDURES),
        "papi": make_indicator(
            code="papi", group=IndicatorGroup.PAPI, measure_unit=MeasureUnit.POINTS, max_value=80, levels="province"
        ),
        "source": make_source(title="Hà Tĩnh: Cải cách hành chính được đẩy mạnh"),
    }


def _open(client, unit, year: int):
    response = client.get(URL, {"unit": unit.pk, "year": year})
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_step_one_asks_for_a_unit_and_a_year_and_survives_a_bad_query_string(staff_client):
    assert staff_client.get(URL).status_code == 200
    response = staff_client.get(URL, {"unit": "999999", "year": "hai nghìn"})

    assert response.status_code == 200
    assert set(response.context["choose"].errors) == {"unit", "year"}
    assert "formset" not in response.context


@pytest.mark.django_db
def test_the_sheet_lists_the_indicators_of_the_units_level_grouped_with_headline_indices_first(staff_client):
    catalogue_load()
    province = make_unit()
    district = make_unit(level=Level.DISTRICT, parent=province)

    province_rows = [f.row.indicator for f in _open(staff_client, province, 2023).context["formset"].forms]
    district_codes = [f.row.indicator.code for f in _open(staff_client, district, 2023).context["formset"].forms]

    groups = [group for group, _rows in groupby(province_rows, key=lambda i: i.group)]
    assert groups[:4] == ["par", "sipas", "papi", "pci"]
    assert len(groups) == len(set(groups)), "each group is shown in one block"
    assert province_rows[0].code == "par_index"
    assert [i.code for i in province_rows if not i.parent_id][:4] == ["par_index", "sipas", "papi", "pci"]
    assert {"sipas", "papi", "pci", "par_c8_impact"}.isdisjoint(district_codes)
    assert {"par_index", "staff_cut_admin", "procedures_commune_onestop"} <= set(district_codes)


@pytest.mark.django_db
def test_the_sheet_renders_with_a_fixed_number_of_queries_whatever_the_number_of_indicators(staff_client, sheet):
    unit = sheet["unit"]

    def add_indicators(count: int) -> None:
        for _ in range(count):
            make_value(indicator=make_indicator(), unit=unit, year=2023, source=make_source())

    add_indicators(2)
    with CaptureQueriesContext(connection) as few:
        _open(staff_client, unit, 2023)
    add_indicators(30)
    with CaptureQueriesContext(connection) as many:
        response = _open(staff_client, unit, 2023)

    assert len(few) == len(many) == SHEET_QUERIES
    assert len(response.context["formset"].forms) == 35


@pytest.mark.django_db
def test_saving_vietnamese_numbers_creates_only_the_filled_rows(staff_client, staff_user, sheet):
    data, rows = sheet_form_data(_open(staff_client, sheet["unit"], 2021))
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "online_services_level3", value="1.746", qualifier="as_of", note="tính đến tháng 9/2021")
    fill_sheet(data, rows, "on_time_rate", value="99,7")

    response = staff_client.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?unit={sheet['unit'].pk}&year=2021"
    stored = {v.indicator.code: v for v in Value.objects.select_related("indicator")}
    assert set(stored) == {"online_services_level3", "on_time_rate"}
    assert stored["online_services_level3"].value == 1746
    assert stored["online_services_level3"].qualifier == "as_of"
    assert stored["on_time_rate"].value == Decimal("99.7")
    assert {(v.source, v.created_by, v.updated_by, v.year) for v in stored.values()} == {
        (sheet["source"], staff_user, staff_user, 2021)
    }


@pytest.mark.django_db
def test_english_numbers_are_read_in_english(english, sheet):
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "online_services_level3", value="1,746")
    fill_sheet(data, rows, "on_time_rate", value="99.7")

    assert english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data).status_code == 302
    assert sorted(Value.objects.values_list("value", flat=True)) == [Decimal("99.7"), Decimal(1746)]


@pytest.mark.django_db
def test_one_bad_row_saves_nothing_shows_the_error_at_that_row_and_keeps_what_was_typed(english, sheet):
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "online_services_level3", value="1746")
    fill_sheet(data, rows, "papi", value="80.5", rank="7")

    response = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)

    assert response.status_code == 200
    assert not Value.objects.exists()
    forms = response.context["formset"].forms
    assert "is above the maximum" in forms[rows["papi"]].errors["value"][0]
    assert not forms[rows["online_services_level3"]].errors
    page = response.content.decode()
    assert 'name="rows-{}-value" value="80.5"'.format(rows["papi"]) in page
    assert 'name="rows-{}-rank" value="7"'.format(rows["papi"]) in page
    assert 'name="rows-{}-value" value="1746"'.format(rows["online_services_level3"]) in page
    assert "Nothing was saved" in page


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1.74.6", "12,5,3", "9x", "1.746,5.2"])
def test_malformed_numbers_are_refused_with_their_text(english, sheet, typed):
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "online_services_level3", value=typed)

    response = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)

    assert f"“{typed}”" in response.context["formset"].forms[rows["online_services_level3"]].errors["value"][0]
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_a_number_in_the_other_languages_convention_is_read_by_the_active_language(staff_client, sheet):
    """In Vietnamese 1,746 is one point seven four six, not a thousand: a count refuses it."""
    data, rows = sheet_form_data(_open(staff_client, sheet["unit"], 2021))
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "online_services_level3", value="1,746")

    response = staff_client.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)

    assert response.context["formset"].forms[rows["online_services_level3"]].errors["value"]
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_clearing_a_stored_value_deletes_it_only_when_the_delete_box_is_ticked(english, sheet):
    stored = make_value(indicator=sheet["percent"], unit=sheet["unit"], year=2021, value="95", source=sheet["source"])
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    fill_sheet(data, rows, "on_time_rate", value="")

    refused = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)
    assert "Tick “delete”" in refused.context["formset"].forms[rows["on_time_rate"]].errors["value"][0]
    assert Value.objects.filter(pk=stored.pk).exists()

    fill_sheet(data, rows, "on_time_rate", delete="on")
    assert english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data).status_code == 302
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_a_63_structure_province_cannot_get_2025_figures(english, sheet):
    response = _open(english, sheet["unit"], 2025)
    assert "was not in force on 31 December 2025" in response.content.decode()

    data, rows = sheet_form_data(response, "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "on_time_rate", value="97")
    response = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2025", data)

    assert "was not in force in 2025" in response.context["formset"].forms[rows["on_time_rate"]].non_field_errors()[0]
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_a_34_structure_province_gets_2025_figures(staff_client, sheet):
    new = make_unit(short_name="Hà Tĩnh", code="42", valid_from=REORGANISATION_DATE, valid_to=None)
    data, rows = sheet_form_data(_open(staff_client, new, 2025))
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "on_time_rate", value="97,5")

    assert staff_client.post(f"{URL}?unit={new.pk}&year=2025", data).status_code == 302
    assert Value.objects.get().unit == new


@pytest.mark.django_db
def test_each_row_needs_a_source_of_its_own_or_the_sheets_default(english, sheet):
    other = make_source(title="Báo cáo khác")
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    fill_sheet(data, rows, "on_time_rate", value="97")

    refused = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)
    assert "Choose a source" in refused.context["formset"].forms[rows["on_time_rate"]].errors["source"][0]

    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "online_services_level3", value="32", source=str(other.pk))
    assert english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data).status_code == 302
    assert dict(Value.objects.values_list("indicator__code", "source")) == {
        "on_time_rate": sheet["source"].pk,
        "online_services_level3": other.pk,
    }


@pytest.mark.django_db
def test_a_rank_without_a_value_is_saved(english, sheet):
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2019), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "papi", rank="7", rank_basis="stated")

    assert english.post(f"{URL}?unit={sheet['unit'].pk}&year=2019", data).status_code == 302
    stored = Value.objects.get()
    assert (stored.value, stored.rank, stored.rank_basis) == (None, 7, "stated")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [{"rank_basis": "stated"}, {"note": "chưa công bố"}])
def test_a_row_with_a_note_or_rank_basis_but_no_figure_is_refused_not_dropped(english, sheet, typed):
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2019), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "on_time_rate", **typed)

    response = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2019", data)

    assert (
        "Give a value, a published rank, or both"
        in response.context["formset"].forms[rows["on_time_rate"]].errors["value"][0]
    )
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_unchanged_rows_are_not_rewritten(staff_client, sheet, django_user_model):
    author = django_user_model.objects.create_user("author", password="a-long-test-password")
    make_value(
        indicator=sheet["percent"],
        unit=sheet["unit"],
        year=2021,
        value="95.5",
        source=sheet["source"],
        updated_by=author,
    )
    data, _rows = sheet_form_data(_open(staff_client, sheet["unit"], 2021))

    assert staff_client.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data).status_code == 302
    assert Value.objects.get().updated_by == author


@pytest.mark.django_db
def test_a_stored_value_is_updated_by_the_current_user(staff_client, staff_user, sheet):
    make_value(
        indicator=sheet["percent"], unit=sheet["unit"], year=2021, value="95.5", source=sheet["source"], status="draft"
    )
    data, rows = sheet_form_data(_open(staff_client, sheet["unit"], 2021))
    assert data[f"rows-{rows['on_time_rate']}-value"] == "95,5"  # shown the Vietnamese way
    fill_sheet(data, rows, "on_time_rate", value="96,25")

    assert staff_client.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data).status_code == 302
    stored = Value.objects.get()
    assert (stored.value, stored.updated_by) == (Decimal("96.25"), staff_user)


@pytest.mark.django_db
def test_a_sheet_posted_after_the_catalogue_changed_is_refused(english, sheet):
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "on_time_rate", value="97")
    make_indicator(code="aaa_new_indicator", group=IndicatorGroup.DIGITAL)

    response = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)

    assert "catalogue changed" in " ".join(response.context["formset"].non_form_errors())
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_the_sheet_is_for_staff_only(client, sheet):
    response = client.get(URL, {"unit": sheet["unit"].pk, "year": 2021})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_the_sheet_loads_the_admin_autocomplete_for_units_and_sources(staff_client, sheet):
    page = _open(staff_client, sheet["unit"], 2021).content.decode()
    assert "admin/js/autocomplete.js" in page
    assert 'data-field-name="unit"' in page and 'data-field-name="source"' in page

    def search(field: str, term: str) -> list[str]:
        params = {"app_label": "indicators", "model_name": "value", "field_name": field, "term": term}
        response = staff_client.get("/admin/autocomplete/", params)
        assert response.status_code == 200
        return [item["text"] for item in response.json()["results"]]

    assert search("source", "đẩy mạnh") == ["Hà Tĩnh: Cải cách hành chính được đẩy mạnh"]
    # Units are named with their validity, kind and parent: namesakes of both structures differ.
    assert any(text.startswith("Hà Tĩnh") for text in search("unit", "Hà Tĩnh"))


@pytest.mark.django_db
def test_a_save_that_collides_with_another_users_save_is_reported_not_a_server_error(english, sheet, monkeypatch):
    def collide(**kwargs: object) -> None:
        raise IntegrityError("value_one_per_indicator_unit_year")

    monkeypatch.setattr("indicators.admin.yearsheet_save", collide)
    data, rows = sheet_form_data(_open(english, sheet["unit"], 2021), "en")
    data["sheet-source"] = str(sheet["source"].pk)
    fill_sheet(data, rows, "on_time_rate", value="97")

    response = english.post(f"{URL}?unit={sheet['unit'].pk}&year=2021", data)

    assert response.status_code == 200
    assert "changed by someone else" in " ".join(response.context["formset"].non_form_errors())
    assert 'value="97"' in response.content.decode()


@pytest.mark.django_db
def test_the_sheet_of_a_year_that_has_not_ended_is_refused_with_the_shared_rule(client, staff_user, monkeypatch):
    import datetime

    from django.utils import timezone

    unit = make_unit(short_name="Cao Bằng", code="04", valid_to=None)
    client.cookies["django_language"] = "en"
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC))
    client.force_login(staff_user)  # the session's expiry follows the frozen clock
    response = client.get(URL, {"unit": unit.pk, "year": 2026})
    assert "formset" not in response.context
    assert "Year 2026 has not ended yet" in response.content.decode()
    # Half an hour later it is 2027 in Vietnam (not yet in UTC): the sheet of 2026 opens.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.UTC))
    assert "formset" in client.get(URL, {"unit": unit.pk, "year": 2026}).context
