"""The appraisal cycle in a real browser at tablet width, as one cycle through the UI: the administrator imports
a criteria set (header and tree in one form) and creates the campaign, two communes self-assess with evidence,
an appraiser adjusts a score and returns a criterion, the body answers, the chair imports survey points,
finalises and publishes, and the public ranking and scorecard show the result. Only the accounts come from
tests/appraisal_world.py; the second test reuses its ready set and campaign for the campaign form alone."""

import pytest

from tests.appraisal_world import PDF, SAMPLE, criterion_ids
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def world(appraisal_world, django_user_model):
    world = appraisal_world
    for user in django_user_model.objects.all():
        user.set_password(PASSWORD)
        user.save()
    world["ids"] = criterion_ids(world)
    return world


@pytest.fixture
def accounts(appraisal_accounts, django_user_model):
    for user in django_user_model.objects.all():
        user.set_password(PASSWORD)
        user.save()
    return appraisal_accounts


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
    with page.expect_navigation():  # wait for the upload's redirect, not just the current page's load state
        page.locator(f"#evidence-form-{ids['2.1.1']}").evaluate("form => form.requestSubmit()")
    assert "cong-khai.pdf" in page.locator(f"#c-{ids['2.1.1']}").inner_text(), page.locator(
        ".appraisal-messages"
    ).all_inner_texts()
    screenshot(page, f"appraisal_self_assessment_{index}")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert "Đã gửi bài tự đánh giá" in page.content()


def import_set(page, world) -> None:
    """The administrator creates the set's header and imports its tree in one form; a bad file first creates nothing."""
    from appraisal.models import CriteriaSet

    sign_in(page, "admin")
    page.get_by_role("link", name="Bộ tiêu chí", exact=True).click()
    page.wait_for_url("**/appraisal/sets/")
    page.get_by_role("link", name="Tạo bộ tiêu chí").click()
    page.wait_for_url("**/appraisal/sets/new/")
    page.fill("#id_name", "Bộ tiêu chí cấp xã 2021 (thử nghiệm)")
    page.select_option("#id_assessor", value=str(world["district"].pk))
    page.fill("#id_year", "2021")
    page.select_option("#id_body_group", value="communes")
    page.fill("#id_bands", "Tốt = 90\nKhá = 80\nTrung bình = 65\nYếu = 0")
    bad = SAMPLE.read_bytes().replace(b"1.2,1,criterion", b"1.2,9,criterion", 1)
    page.set_input_files("#id_file", files=[{"name": "loi.csv", "mimeType": "text/csv", "buffer": bad}])
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo bộ tiêu chí và nhập cây tiêu chí").click()
    errors = page.locator(".import-errors tbody").inner_text()
    assert "4" in errors and "parent_code" in errors, errors
    assert not CriteriaSet.objects.exists()
    assert page.input_value("#id_name") == "Bộ tiêu chí cấp xã 2021 (thử nghiệm)"  # the typing is kept
    assert page.input_value("#id_assessor") == str(world["district"].pk)
    screenshot(page, "appraisal_criteria_set_errors")
    page.set_input_files("#id_file", str(SAMPLE))
    # By keyboard from the file field: Tab to the submit button, Enter.
    page.locator("#id_file").focus()
    with page.expect_navigation():
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
    assert "Đã lưu bộ tiêu chí" in page.content()
    world["set"] = CriteriaSet.objects.get()
    world["ids"] = criterion_ids(world)
    screenshot(page, "appraisal_criteria_set_imported")


def create_campaign(page, world) -> None:
    """The administrator creates the campaign on the workspace form: both communes, the chair, one appraiser."""
    from appraisal.models import Campaign

    page.goto("/appraisal/")
    page.get_by_role("link", name="Tạo đợt đánh giá").click()
    page.wait_for_url("**/appraisal/campaigns/new/")
    page.select_option("#id_set", value=str(world["set"].pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục").click()
    page.fill("#id_name", "Chỉ số CCHC cấp xã 2021 (thử nghiệm)")
    page.fill("#id_self_assessment_closes", "2099-01-10T17:00")
    page.fill("#id_appraisal_closes", "2099-01-20T17:00")
    page.get_by_role("button", name="Chọn tất cả đơn vị đang hiện", exact=True).click()
    assert page.locator("[data-pick-count]").inner_text().startswith("2 /")
    page.select_option("#id_chair", label="chair")
    page.select_option("#id_council-0-user", label="appraiser")
    page.fill("#id_decision_number", "01/QĐ-TEST")
    page.fill("#id_decision_date", "2021-12-30")
    page.fill("#id_decision_issuer", "UBND huyện (thử nghiệm)")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu đợt đánh giá").click()
    assert "Đã lưu đợt đánh giá" in page.content()
    world["campaign"] = Campaign.objects.get()
    world["assessments"] = list(world["campaign"].assessments.order_by("body__code"))


def test_the_whole_appraisal_cycle_in_the_browser(page, accounts):
    page.set_viewport_size({"width": 1024, "height": 1400})
    world = accounts
    import_set(page, world)
    create_campaign(page, world)
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


def test_the_administrator_sets_up_a_campaign_and_a_reporter_in_the_workspace(page, world):
    """At tablet width and by keyboard: find bodies by a name typed without diacritics, tick them, save."""
    from appraisal.models import BodyAccount, Campaign

    page.set_viewport_size({"width": 1024, "height": 1400})
    sign_in(page, "admin")
    page.get_by_role("link", name="Tạo đợt đánh giá").click()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    page.fill("#id_name", "Đợt thử nghiệm qua giao diện")
    page.fill("#id_self_assessment_closes", "2099-01-10T17:00")
    page.fill("#id_appraisal_closes", "2099-01-20T17:00")
    page.select_option("#id_chair", label="chair")
    page.locator("#body-filter").focus()
    page.keyboard.type("son kim 2")
    visible = page.locator("[data-pick-item]:visible")
    assert visible.count() == 1 and "Sơn Kim 2" in visible.inner_text()
    page.keyboard.press("Tab")  # to "Tick all shown"
    page.keyboard.press("Enter")
    assert page.locator("[data-pick-count]").inner_text().startswith("1 /")
    page.select_option("#id_council-0-user", label="appraiser")
    page.fill("#id_decision_number", "99/QĐ-TEST")
    screenshot(page, "appraisal_campaign_form")
    page.get_by_role("button", name="Lưu đợt đánh giá").click()
    page.wait_for_load_state()
    assert "Đã lưu đợt đánh giá" in page.content()
    created = Campaign.objects.get(name="Đợt thử nghiệm qua giao diện")
    assert [a.body.short_name for a in created.assessments.all()] == ["Sơn Kim 2"]

    page.goto("/appraisal/reporters/")
    page.select_option("#id_body", label="Sơn Kim 2")
    page.fill("#id_username", "sonkim2-moi")
    page.fill("#id_name", "Phạm Thu Trang")
    page.locator("form.reporter-form [type=submit]").click()
    page.wait_for_load_state()
    link = page.input_value("#set-password-link")
    screenshot(page, "appraisal_reporters")
    assert "/appraisal/password/" in link
    assert BodyAccount.objects.get(user__username="sonkim2-moi").body.short_name == "Sơn Kim 2"
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    page.wait_for_load_state()
    sign_in(page, "sonkim2-moi")
    assert "Đợt thử nghiệm qua giao diện" in page.content()
