"""Staff preview of unpublished figures on the public pages (``?preview=1``): only for staff, only
their scope, clearly marked, never cached and never leaking into another request."""

import re
import threading

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import ValueStatus
from indicators.preview import preview_scope, values_previewed
from indicators.selectors import public_values
from reports.preview import PreviewMiddleware, preview_filename, toggle_url
from tests.factories import make_unit, make_value
from tests.staff import make_staff, two_provinces

pytestmark = pytest.mark.django_db

PUBLISHED = "87.65"
#: Figures no page would show by coincidence: own province's pending correction, own district's draft,
#: the other province's submission.
OWN_CORRECTION, OWN_DISTRICT_DRAFT, OTHER_SUBMITTED = "12.34", "56.78", "34.56"
BANNER = "Preview: includes unpublished figures — not for publication"
RANKING = "/rankings/?indicator=par_index&year=2023"
EXPORT = reverse("reports:export-values")


@pytest.fixture
def world(django_user_model):
    world = two_provinces()
    par, source = world["par"], world["source"]
    published = make_value(indicator=par, unit=world["own"], value=PUBLISHED, source=source)
    make_value(
        indicator=par, unit=world["own"], value=OWN_CORRECTION, source=source,
        status=ValueStatus.SUBMITTED, correction_of=published,
    )  # fmt: skip
    make_value(
        indicator=par, unit=world["own_district"], value=OWN_DISTRICT_DRAFT, source=source, status=ValueStatus.DRAFT
    )
    make_value(indicator=par, unit=world["other"], value=OTHER_SUBMITTED, source=source, status=ValueStatus.SUBMITTED)
    world["editor"] = make_staff(django_user_model, "editor", "province-editor", world["own"])
    world["admin"] = make_staff(django_user_model, "admin", "national-admin")
    world["viewer"] = make_staff(django_user_model, "viewer", "viewer")
    return world


def _client(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _figures(text: str) -> set[str]:
    return {f for f in (PUBLISHED, OWN_CORRECTION, OWN_DISTRICT_DRAFT, OTHER_SUBMITTED) if f in text}


def _numbers() -> set[str]:
    return {str(v.normalize()) for v in public_values().values_list("value", flat=True)}


def test_outside_a_preview_the_gate_holds_only_approved_figures(world):
    assert _numbers() == {PUBLISHED}
    assert preview_scope() is None


def test_an_editor_previews_own_province_drafts_and_corrections_not_another_province(world):
    with values_previewed(user=world["editor"]):
        # The pending correction replaces the figure it corrects; the other province stays unpublished.
        assert _numbers() == {OWN_CORRECTION, OWN_DISTRICT_DRAFT}
    assert _numbers() == {PUBLISHED}


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_national_staff_preview_every_province(world, role):
    with values_previewed(user=world[role]):
        assert _numbers() == {OWN_CORRECTION, OWN_DISTRICT_DRAFT, OTHER_SUBMITTED}


def test_a_staff_member_without_a_province_previews_only_published_figures(world, django_user_model):
    lost = make_staff(django_user_model, "lost", "province-editor")
    with values_previewed(user=lost):
        assert _numbers() == {PUBLISHED}


@pytest.mark.parametrize("url", [RANKING, EXPORT, f"{RANKING}&format=csv", "/"])
def test_anonymous_preview_is_ignored(world, url):
    response = _client().get(f"{url}{'&' if '?' in url else '?'}preview=1")
    assert response.status_code == 200
    text = _text(response)
    assert _figures(text) <= {PUBLISHED}
    assert BANNER not in text
    assert "_PREVIEW" not in response.get("Content-Disposition", "")


def test_non_staff_users_preview_is_ignored(world, django_user_model):
    member = django_user_model.objects.create_user("member", "m@example.org", None)
    response = _client(member).get(f"{EXPORT}?preview=1")
    assert _figures(_text(response)) == {PUBLISHED}
    assert "_PREVIEW" not in response["Content-Disposition"]


def test_editor_preview_pages_show_own_drafts_with_the_banner(world):
    editor = _client(world["editor"])
    page = editor.get(f"{RANKING}&preview=1")
    text = _text(page)
    assert BANNER in text
    assert _figures(text) == {OWN_CORRECTION}  # the ranking lists provinces: the own province's correction
    export = editor.get(f"{EXPORT}?preview=1")
    assert _figures(_text(export)) == {OWN_CORRECTION, OWN_DISTRICT_DRAFT}


def test_national_admin_preview_pages_show_every_province(world):
    text = _text(_client(world["admin"]).get(f"{RANKING}&preview=1"))
    assert BANNER in text
    assert _figures(text) == {OWN_CORRECTION, OTHER_SUBMITTED}


def test_staff_without_preview_see_the_published_site_and_the_switch(world):
    page = _client(world["editor"]).get(RANKING)
    text = _text(page)
    assert BANNER not in text and _figures(text) == {PUBLISHED}
    assert 'href="/rankings/?indicator=par_index&amp;year=2023&amp;preview=1"' in text
    assert "Preview unpublished figures" in text
    assert "Preview unpublished figures" not in _text(_client().get(RANKING))


def test_preview_responses_are_never_stored(world):
    response = _client(world["admin"]).get(f"{RANKING}&preview=1")
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert not response.has_header("X-Page-Cache")
    # A later anonymous request of the same URL computes and caches the public page, without the drafts.
    anonymous = _client().get(f"{RANKING}&preview=1")
    assert anonymous["X-Page-Cache"] == "miss"
    assert _figures(_text(anonymous)) == {PUBLISHED} and BANNER not in _text(anonymous)
    assert _figures(_text(_client().get(f"{RANKING}&preview=1"))) == {PUBLISHED}


def test_the_years_of_a_preview_are_never_kept_for_the_public_nor_the_public_years_for_a_preview(world):
    """The ranking form's years are kept per data generation (reports.rankings.choices), except a preview's."""
    make_value(indicator=world["par"], unit=world["own"], year=2024, value="60", status=ValueStatus.DRAFT)
    public, preview = "/rankings/?indicator=par_index", "/rankings/?indicator=par_index&preview=1"

    def years(client: Client, url: str) -> list[str]:
        return re.findall(r'<option value="(20\d\d)"', _text(client.get(url)))

    anonymous = _client()
    assert years(anonymous, public) == ["2023"]  # kept now for the generation
    assert years(_client(world["editor"]), preview) == ["2024", "2023"]
    assert years(_client(world["editor"]), public) == ["2023"]  # staff outside a preview: the public years
    assert years(anonymous, f"{public}&figures=all") == ["2023"]


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        (f"{EXPORT}?preview=1", "cchc_values_PREVIEW.csv"),
        (f"{RANKING}&format=csv&preview=1", "_PREVIEW.csv"),
        (f"{RANKING}&format=xlsx&preview=1", "_PREVIEW.xlsx"),
    ],
)
def test_preview_downloads_are_named_preview(world, url, filename):
    response = _client(world["admin"]).get(url)
    assert response.status_code == 200
    assert f'{filename}"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_the_preview_ends_with_its_request_even_when_the_view_fails(world, rf):
    seen = []

    def failing(request):
        seen.append(preview_scope())
        raise RuntimeError("boom")

    request = rf.get("/rankings/", {"preview": "1"})
    request.user = world["admin"]
    with pytest.raises(RuntimeError):
        PreviewMiddleware(failing)(request)
    assert seen and seen[0] is not None
    assert preview_scope() is None
    assert _figures(_text(_client().get(EXPORT))) == {PUBLISHED}


def test_a_preview_does_not_reach_other_threads(world):
    seen = []
    with values_previewed(user=world["admin"]):
        thread = threading.Thread(target=lambda: seen.append(preview_scope()))
        thread.start()
        thread.join()
    assert seen == [None]


def test_toggle_and_file_name_helpers(rf):
    request = rf.get("/compare/", {"units": "01,48", "preview": "1"})
    assert toggle_url(request, preview=False) == "/compare/?units=01%2C48"
    assert toggle_url(rf.get("/"), preview=True) == "/?preview=1"
    assert preview_filename('attachment; filename="values.csv"') == 'attachment; filename="values_PREVIEW.csv"'
    assert preview_filename('attachment; filename="ranking"') == 'attachment; filename="ranking_PREVIEW"'


def test_a_unit_outside_every_scope_is_never_previewed_by_an_editor(world):
    stranger = make_unit(short_name="Cần Thơ", code="92")
    make_value(indicator=world["par"], unit=stranger, value="45.67", status=ValueStatus.DRAFT)
    with values_previewed(user=world["editor"]):
        assert "45.67" not in _numbers()
    with values_previewed(user=world["admin"]):
        assert "45.67" in _numbers()


def test_every_public_page_previews_with_the_banner(world):
    admin = _client(world["admin"])
    pages = [
        "/",
        f"{reverse('reports:province', args=['01'])}?on=2024-06-01",
        f"{reverse('reports:unit', args=['district', '001'])}?on=2024-06-01",
        reverse("reports:indicator", args=["par_index"]),
        f"{reverse('reports:compare')}?units=01,48",
        reverse("reports:indicator-list"),
        reverse("reports:coverage"),
        "/search/?q=ha",
    ]
    for url in pages:
        response = admin.get(f"{url}{'&' if '?' in url else '?'}preview=1")
        assert response.status_code == 200, url
        assert BANNER in _text(response), url
        assert PUBLISHED not in _text(response), url  # replaced by its pending correction everywhere
    assert OWN_CORRECTION in _text(admin.get(f"{reverse('reports:province', args=['01'])}?on=2024-06-01&preview=1"))


def test_a_preview_download_needs_the_export_unpublished_permission(world, django_user_model):
    from django.contrib.auth.models import Permission

    reader = django_user_model.objects.create_user("reader", "r@example.org", None, is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_value"))
    client = _client(reader)
    assert BANNER in _text(client.get(f"{RANKING}&preview=1"))  # may preview the pages
    for url in (f"{EXPORT}?preview=1", f"{RANKING}&format=csv&preview=1"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "may not download unpublished values" in refused.content.decode()
        assert not refused.has_header("Content-Disposition")
    assert _figures(_text(client.get(EXPORT))) == {PUBLISHED}  # the published download stays open to them
