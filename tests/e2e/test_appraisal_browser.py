"""The appraisal cycle in a real browser at tablet width: two communes self-assess with evidence, an appraiser
adjusts a score and returns a criterion, the body answers, the chair imports survey points, finalises and
publishes, and the public ranking and scorecard show the result. The criteria set and the campaign are set
up by tests/appraisal_world.py (the set through the same import service the sets page uses)."""

import pytest

from tests.appraisal_world import commune_world
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-42"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def world(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = commune_world(django_user_model)
    for user in django_user_model.objects.all():
        user.set_password(PASSWORD)
        user.save()
    world["ids"] = {c.code: c.pk for c in world["set"].criteria.all()}
    return world


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/appraisal/login/?next=/appraisal/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.appraisal-login [type=submit]").click()
    page.wait_for_url("**/appraisal/")


def self_assess(page, world, index: int, scores: dict[str, str]) -> None:
    ids = world["ids"]
    sign_in(page, f"reporter{index}")
    page.get_by_role("link", name=str(world["campaign"])).click()
    for code, score in scores.items():
        page.fill(f"#score-{ids[code]}", score)
    # The area totals follow the typing before anything is saved (static/appraisal/tree.js).
    expected = {"1": float(scores["1.1"].replace(",", ".")) + float(scores["1.2"].replace(",", "."))}
    shown = page.locator(f"td[data-sum-for='{ids['1']}'][data-kind=self]").inner_text()
    assert float(shown.replace(".", "").replace(",", ".")) == expected["1"]
    page.fill(f"#text-{ids['1.1']}", "Kế hoạch số 12/KH-UBND (thử nghiệm)")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    page.set_input_files(
        f"#file-{ids['2.1.1']}", files=[{"name": "cong-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator(f"#evidence-form-{ids['2.1.1']}").evaluate("form => form.requestSubmit()")
    page.wait_for_load_state()
    assert "cong-khai.pdf" in page.locator(f"#c-{ids['2.1.1']}").inner_text()
    screenshot(page, f"appraisal_self_assessment_{index}")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert "Đã gửi bài tự đánh giá" in page.content()


def test_the_whole_appraisal_cycle_in_the_browser(page, world):
    page.set_viewport_size({"width": 1024, "height": 1400})
    ids = world["ids"]
    self_assess(page, world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    self_assess(page, world, 1, {"1.1": "20", "1.2": "15", "2.1.1": "15", "2.1.2": "7,5"})

    sign_in(page, "appraiser")
    page.get_by_role("link", name="Sơn Kim 1").click()
    page.fill(f"#score-{ids['1.2']}", "15")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    assert "Ghi lý do" in page.content()  # a different score needs its reason; the typing is kept
    assert page.input_value(f"#score-{ids['1.2']}") == "15"
    page.fill(f"#text-{ids['1.2']}", "Thiếu báo cáo quý III")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    page.select_option("#return-score", label=page.locator("#return-score option", has_text="2.1.2").inner_text())
    page.fill("#return-comment", "Giải trình việc cập nhật thủ tục")
    page.fill("#return-deadline", "2030-01-10")
    page.locator(".return-form [type=submit]").click()
    page.wait_for_load_state()
    screenshot(page, "appraisal_appraiser")

    sign_in(page, "reporter0")
    page.get_by_role("link", name=str(world["campaign"])).click()
    page.locator("textarea[id^=answer-]").fill("Đã cập nhật trong ngày, có nhật ký hệ thống")
    page.locator("button[form^=answer-form-]").click()
    page.wait_for_load_state()
    assert "Đã gửi nội dung giải trình" in page.content()

    sign_in(page, "chair")
    page.get_by_role("link", name=str(world["campaign"])).click()
    survey = b'body_code,criterion_code,points\n18202,2.2,"25,5"\n18205,2.2,28\n'
    page.set_input_files("#survey-file", files=[{"name": "xhh.csv", "mimeType": "text/csv", "buffer": survey}])
    page.locator("#survey-file ~ button").click()
    page.wait_for_load_state()
    messages = page.locator(".appraisal-messages").all_inner_texts()
    assert "Đã nhập 2 điểm" in " ".join(messages), messages
    page.locator("button[name=action][value=finalise]").click()
    page.wait_for_load_state()
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_load_state()
    assert "Đã công bố 6 số liệu" in page.content()
    screenshot(page, "appraisal_campaign_published")

    page.context.clear_cookies()
    page.goto("/rankings/?indicator=par_index&year=2021&level=commune&within=42")
    table = page.locator(".ranking-table").inner_text()
    assert "Sơn Kim 1" in table and "Sơn Kim 2" in table
    first = page.locator(".ranking-table tbody tr").first.inner_text()
    assert "Sơn Kim 1" in first and "90,5" in first
    page.goto(f"/appraisal/assessments/{world['assessments'][0].pk}/scorecard/")
    page.locator(".chart[data-figure-id] .main-svg").first.wait_for()
    assert "Phiếu kết quả của Sơn Kim 1, năm 2021" in page.content()
    screenshot(page, "appraisal_scorecard_public")
