"""End to end in a real browser (Debian's headless Chromium, driven by Playwright).

A citizen submits, an operator checks, a dispatcher dispatches, the unit accepts and replies, the citizen
is not satisfied and the case reopens, the unit replies again, the citizen is satisfied and the case
closes. Screenshots of each main screen go to var/screenshots/ (see README)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(settings.DATA_DIR) / "screenshots"

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (`make system-packages` installs it); browser tests skipped",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures make are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()
        # While Playwright's loop runs, asgiref keeps Django's connections per context, not per thread: the
        # ones the test opened are not the thread's usual ones, and would outlive the test database.
        connections.close_all()


class Person:
    """One user in their own browser context (own cookies), looking at a phone or a desktop screen."""

    def __init__(self, browser, base_url, phone=False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 860}
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base_url = base_url

    def go(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def login(self, username, password):
        page = self.go("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("[data-testid=login]")
        page.wait_for_load_state()
        return page

    def shot(self, name):
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def act(self, action, fill=None, select=None, check=None):
        """Opens an action panel on the case page, fills it and submits it."""
        page = self.page
        panel = page.locator(f"details[data-action={action}]")
        if panel.get_attribute("open") is None:  # a panel re-shown with errors is already open
            panel.locator("summary").click()
        for selector, value in (fill or {}).items():
            panel.locator(selector).fill(value)
        for selector, value in (select or {}).items():
            panel.locator(selector).select_option(value)
        for selector in check or []:
            panel.locator(selector).check()
        panel.locator(f"[data-testid=do-{action}]").click()
        page.wait_for_load_state()


def state_of(page):
    return page.locator("[data-testid=case-state]").inner_text().strip()


def test_a_case_from_submission_through_reopening_to_a_satisfied_close(browser, live_server, city):
    base = live_server.url
    for user in (city.operator, city.dispatcher, city.handler, city.supervisor):
        user.set_password("demo-pass-1")
        user.save()

    # A citizen on a phone submits a request: first with a bad phone, then corrected.
    citizen = Person(browser, base, phone=True)
    page = citizen.go("/submit/")
    page.select_option("#id_kind", "complaint")
    page.fill("#id_category", "城乡建设/城市建设和市政管理/城市公共设施")
    page.fill("#id_description", "暮云街道某小区门口的路灯坏了两个星期，晚上出行很不安全，请尽快修复。")
    page.fill("#id_phone", "1380013")
    page.click("[data-testid=submit]")
    assert "电话号码格式不正确" in page.locator("ul.errorlist[data-field=phone]").inner_text()
    assert "路灯坏了两个星期" in page.input_value("#id_description")  # nothing typed is lost
    citizen.shot("01-citizen-submit-error")
    page.fill("#id_phone", "13800138000")
    page.click("[data-testid=submit]")
    number = page.locator("[data-testid=case-number]").inner_text().strip()
    assert re.fullmatch(r"\d{8}-\d{6}", number)
    citizen.shot("02-citizen-submitted")

    # The operator sees the caller's history by phone and checks the case.
    operator = Person(browser, base)
    page = operator.login("operator", "demo-pass-1")
    assert "/console/" in page.url
    page.fill("#id_phone", "13800138000")
    page.locator("[data-testid=caller-history]").wait_for()
    assert number in page.locator("[data-testid=caller-history]").inner_text()
    operator.shot("03-operator-console")
    operator.go(f"/cases/{number}/")
    assert state_of(operator.page) == "已受理"

    # The dispatcher dispatches it from the queue.
    dispatcher = Person(browser, base)
    page = dispatcher.login("dispatcher", "demo-pass-1")
    assert "/queue/" in page.url
    assert number in page.locator("[data-testid=case-table]").inner_text()
    dispatcher.shot("04-dispatcher-queue")
    page.click(f"text={number}")
    dispatcher.act("dispatch", select={"select[name=unit]": str(city.dept.pk)})
    assert state_of(page) == "已派单"
    assert "市住房和城乡建设局" in page.locator("[data-testid=case-unit]").inner_text()

    # The unit accepts and replies; a reply with no text is refused next to the field.
    handler = Person(browser, base)
    page = handler.login("handler", "demo-pass-1")
    assert "/workbench/" in page.url
    handler.shot("05-unit-workbench")
    page.click(f"text={number}")
    handler.act("accept")
    assert state_of(page) == "办理中"
    handler.act("reply", fill={"textarea[name=text]": ""})
    assert page.locator("ul.errorlist[data-field=text]").is_visible()
    handler.act("reply", fill={"textarea[name=text]": "已安排维修人员更换灯泡，路灯已恢复照明。"})
    assert state_of(page) == "已答复待回访"
    handler.shot("06-unit-case-replied")

    # The citizen tracks the case and says it is not resolved: it reopens.
    page = citizen.go("/track/")
    page.fill("#number", number)
    page.fill("#phone", "13800138000")
    page.click("button[type=submit]")
    assert "路灯已恢复照明" in page.locator("[data-testid=public-reply]").inner_text()
    citizen.shot("07-citizen-callback")
    page.check("input[name=resolved][value=not]")
    page.check("input[name=satisfied][value=not]")
    page.fill("textarea[name=comment]", "晚上去看了，灯还是不亮。")
    page.click("[data-testid=rate-submit]")
    assert page.locator("[data-testid=public-state]").inner_text().strip() == "已派单"

    # The unit sees it back, red-flagged as reopened, and replies again.
    page = handler.go("/workbench/")
    assert "重办 1 次" in page.locator(f"tr[data-number='{number}']").inner_text()
    page.click(f"text={number}")
    handler.act("accept")
    handler.act("record_contact", fill={"textarea[name=note]": "已电话联系市民，约定今晚现场确认。"})
    handler.act("reply", fill={"textarea[name=text]": "已更换整套灯具并于当晚现场与市民确认路灯正常。"})
    assert state_of(page) == "已答复待回访"

    # Satisfied this time: the case closes.
    page = citizen.go(f"/track/{number}/")
    page.check("input[name=resolved][value=resolved]")
    page.check("input[name=satisfied][value=satisfied]")
    page.click("[data-testid=rate-submit]")
    assert page.locator("[data-testid=public-state]").inner_text().strip() == "已办结"
    timeline = page.locator("[data-testid=public-timeline]").inner_text()
    assert timeline.count("答复") >= 2 and "回访评价" in timeline
    citizen.shot("08-citizen-closed")

    # The supervisor's overview and the operator's view of the closed case.
    supervisor = Person(browser, base)
    supervisor.login("supervisor", "demo-pass-1")
    supervisor.shot("09-supervisor-overview")
    page = operator.go(f"/cases/{number}/")
    assert state_of(page) == "已办结"
    assert "已解决" in page.locator("[data-testid=verdict]").inner_text()
    operator.shot("10-case-closed")

    # Anyone can follow the result on the public board, without the citizen's phone.
    public = Person(browser, base)
    page = public.go("/board/")
    page.click(f"a[href='/board/{number}/']")
    board_case = page.locator("[data-testid=board-case]").inner_text()
    assert "已更换整套灯具" in board_case and "已办结" in board_case
    assert "13800138000" not in page.content()
    public.shot("12-public-board-case")
    public.go("/board/stats/")
    public.shot("13-public-board-stats")

    # The citizen switches the interface to English from the menu; the choice sticks.
    page = citizen.go(f"/track/{number}/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-testid=public-state]").inner_text().strip() == "Closed"
    assert "Callback rating" in page.locator("[data-testid=public-timeline]").inner_text()
    page = citizen.go("/submit/")
    assert page.locator("label[for=id_description]").inner_text().strip().startswith("Description")
    citizen.shot("11-submit-english")


def test_a_visit_typed_on_a_phone_survives_a_lost_connection(browser, live_server, city):
    """What an official types during a visit is kept in the phone until the server has it."""
    city.street_handler.set_password("demo-pass-1")
    city.street_handler.save()
    official = Person(browser, live_server.url, phone=True)
    official.login("shandler", "demo-pass-1")
    page = official.go("/field/visits/new/")
    assert re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", page.input_value("#id_visited_on")
    )  # today, as a date input shows it
    page.select_option("#id_area", str(city.community.pk))
    page.fill("#id_heard", "刘大爷独居，行动不便")
    page.fill("#id_needs", "门前路灯坏了\n申请居家养老服务")
    # The connection drops as the official submits: the browser shows its error page.
    official.context.set_offline(True)
    try:
        page.click("[data-testid=visit-form] button[type=submit]")
    except Exception:  # noqa: BLE001 - the navigation fails offline, as it would on a dead network
        pass
    official.context.set_offline(False)
    page = official.go("/field/visits/new/")  # back to the form later: nothing was lost
    assert page.input_value("#id_heard") == "刘大爷独居，行动不便"
    assert page.input_value("#id_needs") == "门前路灯坏了\n申请居家养老服务"
    assert page.input_value("#id_area") == str(city.community.pk)
    official.shot("14-visit-on-a-phone")
    with page.expect_navigation():
        page.click("[data-testid=visit-form] button[type=submit]")
    assert "门前路灯坏了" in page.locator("[data-testid=visit-needs]").inner_text()
    page = official.go("/field/visits/new/")  # stored: the draft is gone
    assert page.input_value("#id_heard") == ""


def test_joint_handling_and_a_long_term_plan_in_the_browser(browser, live_server, city, submit, tmp_path):
    """The street summons the department, which reports in; the street plans a long-term case and the
    citizen reads the plan; a ledger with a bad row is refused row by row."""
    from civicdesk.cases import actions

    for user in (city.street_handler, city.handler, city.dispatcher):
        user.set_password("demo-pass-1")
        user.save()
    case = actions.accept(actions.dispatch(submit(), city.dispatcher, city.street), city.street_handler)
    street = Person(browser, live_server.url)
    street.login("shandler", "demo-pass-1")
    street.go(f"/cases/{case.number}/")
    street.act(
        "summon",
        fill={
            "textarea[name=reason]": "占道施工涉及住建，街道无执法权",
            "textarea[name=task]": "核查施工许可",
        },
        select={"select[name=units]": [str(city.dept.pk)]},
    )
    assert "待报到" in street.page.locator("[data-testid=summonses]").inner_text()

    department = Person(browser, live_server.url)
    department.login("handler", "demo-pass-1")
    department.go(f"/cases/{case.number}/")
    department.act("report_in", fill={"textarea[name=note]": "已派人到场"})
    assert "已报到" in department.page.locator("[data-testid=summonses]").inner_text()
    department.shot("15-summons-reported-in")

    street.go(f"/cases/{case.number}/")
    street.act(
        "plan_duty",
        fill={
            "textarea[name=explanation]": "需整体改造排水管网，预计明年六月完工，每月告知进展。",
            "textarea[name=measures]": "先临时疏通，再申报改造",
            "textarea[name=milestones]": "2027-03-31 改造项目立项\n2027-06-30 改造完工",
        },
    )
    assert "改造完工" in street.page.locator("[data-testid=duty-plan]").inner_text()

    citizen = Person(browser, live_server.url, phone=True)
    page = citizen.go("/track/")
    page.fill("#number", case.number)
    page.fill("#phone", "13800138000")
    page.click("form.card button[type=submit]")
    plan = page.locator("[data-testid=duty-plan]").inner_text()
    assert "预计明年六月完工" in plan and "改造项目立项" in plan
    assert "承诺办结时间" not in page.content()  # the plan's dates replace the handling deadline
    citizen.shot("16-citizen-reads-the-plan")

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["诉求内容", "电话", "状态"])
    book.active.append(["村口路灯不亮", "13800138000", "未办结"])
    book.active.append(["", "12345", "已办结"])
    ledger = tmp_path / "台账.xlsx"
    book.save(ledger)
    dispatcher = Person(browser, live_server.url)
    dispatcher.login("dispatcher", "demo-pass-1")
    page = dispatcher.go("/cases/import/")
    page.set_input_files("#id_file", str(ledger))
    page.click("[data-testid=ledger-form] button[type=submit]")
    problems = page.locator("[data-testid=ledger-problems]").inner_text()
    assert "诉求内容" in problems and "电话" in problems and "状态" in problems
    dispatcher.shot("17-ledger-import-refused")


def test_the_dashboard_draws_its_charts_and_map_offline(browser, live_server, city, submit):
    """ECharts and Leaflet come from the application (no CDN); with no tile server the map still shows each
    area where its cases are, and the filter narrows every chart."""
    from civicdesk.insight import rollups

    city.supervisor.set_password("demo-pass-1")
    city.supervisor.save()
    for n in range(3):
        submit(area=city.community.code, latitude="28.10", longitude="112.90", phone=f"1380000001{n}")
    submit(
        title="公交站牌缺失",
        category="交通运输",
        area=city.other_district.code,
        latitude="28.30",
        longitude="113.10",
        phone="13600000001",
    )
    rollups.fold_all()
    person = Person(browser, live_server.url)
    outside = []
    person.page.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))
    person.login("supervisor", "demo-pass-1")
    page = person.go("/dashboard/")
    page.wait_for_selector("[data-testid=chart-trend][data-rendered='1'] svg")
    assert page.locator("[data-kpi=received]").inner_text() == "4"
    assert "城乡建设" in page.locator("[data-testid=chart-trend] svg").inner_html()
    assert page.locator("[data-testid=map]").get_attribute("data-rendered") == "2"
    assert "no-tiles" in page.locator("[data-testid=map]").get_attribute("class")
    assert page.locator("[data-testid=map] path.leaflet-interactive").count() == 2
    assert "暮云街道" in page.locator("[data-testid=map]").inner_text()  # labels stand in for tiles
    person.shot("18-dashboard")
    page.select_option("#f-area", str(city.other_district.pk))
    page.click("[data-testid=dashboard-filters] button[type=submit]")
    page.wait_for_selector("[data-testid=chart-trend][data-rendered='1'] svg")
    assert page.locator("[data-kpi=received]").inner_text() == "1"
    assert page.locator("[data-testid=map] path.leaflet-interactive").count() == 1
    assert outside == []
