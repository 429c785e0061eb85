"""Only approved values reach the public: pages, charts and exports never show drafts,
submissions or pending corrections; an approved correction replaces the figure."""

import pytest
from django.urls import reverse

from indicators.models import Value, ValueStatus
from indicators.selectors import public_values
from indicators.workflow import value_save, values_approve, values_submit
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db

#: Figures no page would show by coincidence, written both ways (vi 12,34 / en 12.34).
UNPUBLISHED = ["12.34", "23.45", "34.56"]
PUBLISHED = "87.65"


@pytest.fixture
def world():
    par = make_indicator(code="par_index", name_vi="Chỉ số CCHC", name_en="PAR Index")
    source = make_source(title="Báo cáo PAR INDEX 2023")
    units = [make_unit(code=code, short_name=name) for code, name in [("01", "Hà Nội"), ("22", "Quảng Ninh"),
                                                                       ("31", "Hải Phòng"), ("66", "Đắk Lắk")]]  # fmt: skip
    published = make_value(indicator=par, unit=units[0], year=2023, value=PUBLISHED, source=source)
    make_value(indicator=par, unit=units[1], year=2023, value=UNPUBLISHED[0], source=source, status=ValueStatus.DRAFT)
    make_value(
        indicator=par, unit=units[2], year=2023, value=UNPUBLISHED[1], source=source, status=ValueStatus.SUBMITTED
    )
    correction = make_value(
        indicator=par, unit=units[0], year=2023, value=UNPUBLISHED[2], source=source,
        status=ValueStatus.SUBMITTED, correction_of=published,
    )  # fmt: skip
    return {"par": par, "units": units, "published": published, "correction": correction}


def _pages(units) -> list[str]:
    return [
        reverse("reports:home"),
        f"{reverse('reports:ranking')}?indicator=par_index&year=2023",
        # The test provinces belong to the 63-province structure: open their profiles at a date then.
        f"{reverse('reports:province', args=[units[0].code])}?on=2024-06-01",
        f"{reverse('reports:province', args=[units[1].code])}?on=2024-06-01",
        reverse("reports:indicator", args=["par_index"]),
        f"{reverse('reports:compare')}?units={units[0].code},{units[1].code},{units[2].code}",
        reverse("reports:coverage"),
        reverse("reports:export-values"),
    ]


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_public_values_hold_only_approved_rows(world):
    assert list(public_values()) == [world["published"]]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_unpublished_figures_never_appear_on_public_pages_or_exports(client, world, language):
    client.cookies["django_language"] = language
    for url in _pages(world["units"]):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for figure in UNPUBLISHED:
            assert figure not in text and figure.replace(".", ",") not in text, (url, figure)


def test_the_published_figure_keeps_serving_while_its_correction_waits(client, world):
    text = _text(client.get(reverse("reports:export-values")))
    assert PUBLISHED in text


def test_an_approved_correction_replaces_the_figure_and_keeps_the_previous_one(world, django_user_model):
    admin = django_user_model.objects.create_superuser("national", "n@example.org", None)
    done, refused = values_approve(values=[world["correction"]], user=admin, channel="form")
    assert (done, refused) == (1, [])
    published = Value.objects.get(pk=world["published"].pk)
    assert str(published.value.normalize()) == UNPUBLISHED[2]
    assert str(published.previous_value.normalize()) == PUBLISHED
    assert published.corrected_at is not None and published.status == ValueStatus.APPROVED
    assert not Value.objects.filter(pk=world["correction"].pk).exists()
    assert list(public_values()) == [published]
    reasons = list(published.history.values_list("history_change_reason", flat=True))
    assert "form: correction approved" in reasons


def test_editing_a_published_value_makes_a_correction_and_leaves_the_public_figure(world, django_user_model):
    admin = django_user_model.objects.create_superuser("national", "n@example.org", None)
    world["correction"].delete()
    published = Value.objects.get(pk=world["published"].pk)
    published.value = 50
    written = value_save(value=published, user=admin, channel="form", expected_version=published.version)
    assert written.correction_of_id == published.pk and written.status == ValueStatus.DRAFT
    assert str(Value.objects.get(pk=published.pk).value.normalize()) == PUBLISHED
    values_submit(values=[written], user=admin, channel="form")
    assert str(public_values().get().value.normalize()) == PUBLISHED


def test_loaded_published_figures_are_approved_with_the_loader_as_channel(db):
    from indicators.importing import values_import

    par = make_indicator(code="par_index")
    make_unit(code="01", short_name="Hà Nội")
    content = (
        "unit,year,indicator,value,source_title,source_url\nHà Nội,2023,par_index,80,Báo cáo,https://example.org/r\n"
    )
    report = values_import(content=content.encode(), file_name="par_index.csv", publish=True)
    assert report.written
    value = Value.objects.get(indicator=par)
    assert value.status == ValueStatus.APPROVED
    assert value.history.get().history_change_reason == "import: par_index.csv"


def test_the_profile_notes_a_corrected_figure_and_the_one_it_replaced(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("national", "n@example.org", None)
    values_approve(values=[world["correction"]], user=admin, channel="form")
    client.cookies["django_language"] = "en"
    page = client.get(f"{reverse('reports:province', args=['01'])}?on=2024-06-01").content.decode()
    assert "corrected on" in page and "(was 87.65" in page
