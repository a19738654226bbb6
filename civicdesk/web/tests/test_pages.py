"""The web screens through Django's test client: forms, refusals, visibility, exports, query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from civicdesk.cases import actions
from civicdesk.cases.models import Case, CaseEvent, CaseState


def client_for(client, user):
    client.force_login(user)
    return client


def post_action(client, case, action, **data):
    case.refresh_from_db()
    data.setdefault("version", case.version)
    return client.post(f"/cases/{case.number}/do/{action}/", data)


def test_citizen_submits_with_bad_input_and_sees_each_message_next_to_its_field(client, city):
    response = client.post(
        "/submit/", {"kind": "complaint", "description": "", "phone": "12345", "category": "没有这个分类"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="description"' in page and "诉求内容" in page
    assert 'data-field="phone"' in page and "电话号码格式不正确" in page
    assert 'data-field="category"' in page and "分类不存在" in page
    assert Case.objects.count() == 0
    # What was typed is still there.
    assert 'value="没有这个分类"' in page


def test_citizen_submits_tracks_and_rates_through_the_portal(client, city):
    response = client.post(
        "/submit/",
        {
            "kind": "complaint",
            "category": "城乡建设/城市建设和市政管理/城市公共设施",
            "description": "小区门口路灯坏了两周",
            "phone": "138 0013 8000",
            "name": "张三",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/submitted/{case.number}/"
    assert case.number in client.get(response["Location"]).content.decode()
    # Another browser proves ownership with number and phone; the wrong phone gets the same "not found".
    other = type(client)()
    assert (
        "没有找到" in other.post("/track/", {"number": case.number, "phone": "13900000000"}).content.decode()
    )
    assert other.get(f"/track/{case.number}/").status_code == 404
    response = other.post("/track/", {"number": case.number, "phone": "13800138000"})
    assert response.status_code == 302
    page = other.get(f"/track/{case.number}/").content.decode()
    assert "138****8000" in page and "13800138000" not in page
    case = actions.reply(
        actions.accept(actions.dispatch(case, city.dispatcher), city.handler), city.handler, text="已修复"
    )
    assert 'data-testid="rate-form"' in other.get(f"/track/{case.number}/").content.decode()
    response = other.post(
        f"/track/{case.number}/rate/", {"version": case.version, "resolved": "", "satisfied": "not"}
    )
    assert 'data-field="resolved"' in response.content.decode()
    response = other.post(
        f"/track/{case.number}/rate/",
        {"version": case.version, "resolved": "not", "satisfied": "not", "comment": "灯还是不亮"},
    )
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.reopen_count == 1


def test_unit_works_a_case_through_its_forms(client, city, submit):
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    c = client_for(client, city.handler)
    assert post_action(c, case, "accept").status_code == 302
    response = post_action(c, case, "request_extension", days="abc", reason="")
    page = response.content.decode()
    assert 'data-field="days"' in page and 'data-field="reason"' in page
    response = post_action(c, case, "request_extension", days="40", reason="需要协调")
    assert "延期天数须为1到30个工作日" in response.content.decode()
    response = post_action(c, case, "reply", text="")
    assert 'data-field="text"' in response.content.decode()
    from civicdesk.cases.tests.images import png as png_bytes

    png = io.BytesIO(png_bytes())
    png.name = "after.png"
    response = c.post(
        f"/cases/{case.number}/do/reply/",
        {"version": Case.objects.get(pk=case.pk).version, "text": "路灯已修复", "attachments": [png]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED and case.reply == "路灯已修复"
    reply_event = case.events.get(action="reply")
    assert reply_event.attachments.get().original_name == "after.png"


def test_bad_evidence_file_refuses_the_reply_and_writes_nothing(client, city, submit):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher, city.dept), city.handler)
    fake = io.BytesIO(b"MZ\x90\x00 not a picture")
    fake.name = "photo.jpg"
    c = client_for(client, city.handler)
    response = c.post(
        f"/cases/{case.number}/do/reply/", {"version": case.version, "text": "已修复", "attachments": [fake]}
    )
    assert 'data-field="attachments"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and not case.events.filter(action="reply").exists()


def test_stale_page_gets_a_conflict_message_and_changes_nothing(client, city, submit):
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    stale_version = case.version
    actions.redispatch(case, city.dispatcher, city.dept2, reason="属交通运输局")
    c = client_for(client, city.dispatcher)
    response = c.post(
        f"/cases/{case.number}/do/redispatch/",
        {"version": stale_version, "unit": city.water.pk, "reason": "改派"},
    )
    assert "已被" in response.content.decode() and "请刷新后重试" in response.content.decode()
    case.refresh_from_db()
    assert case.responsible_unit == city.dept2


def test_other_units_cannot_see_or_act(client, city, submit):
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    c = client_for(client, city.handler2)
    assert c.get(f"/cases/{case.number}/").status_code == 404
    assert post_action(c, case, "accept").status_code == 404
    assert client_for(client, city.citizen_user).get("/cases/").status_code == 403
    assert client.get("/queue/").status_code == 403  # still the citizen


def test_revealing_the_phone_is_recorded(client, city, submit):
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    page = client_for(client, city.handler).get(f"/cases/{case.number}/").content.decode()
    assert "138****8000" in page and "13800138000" not in page
    response = client.post(f"/cases/{case.number}/contact/")
    assert "13800138000" in response.content.decode()
    event = CaseEvent.objects.get(case=case, action="view_contact")
    assert event.actor == city.handler and not event.is_public
    assert client_for(client, city.supervisor).post(f"/cases/{case.number}/contact/").status_code == 403


def test_bulk_dispatch_reports_each_case(client, city, submit):
    ok = submit()
    no_rule = submit(category="教育文体")
    c = client_for(client, city.dispatcher)
    response = c.post(
        "/queue/dispatch/",
        {"case": [ok.pk, no_rule.pk], f"v{ok.pk}": ok.version, f"v{no_rule.pk}": no_rule.version},
        follow=True,
    )
    page = response.content.decode()
    assert "已派发 1 件" in page and no_rule.number in page
    assert Case.objects.get(pk=ok.pk).state == CaseState.DISPATCHED
    assert Case.objects.get(pk=no_rule.pk).state == CaseState.RECEIVED


def test_export_masks_phones_and_defuses_formulas(client, city, submit):
    submit(title='=HYPERLINK("http://evil")', description="公式注入测试")
    c = client_for(client, city.operator)
    response = c.get("/cases/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "工单编号" and len(rows) == 2
    assert rows[1][4].startswith("'=") and "138****8000" in rows[1]
    response = c.get("/cases/", {"export": "xlsx", "q": "公式"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][4].startswith("'=")


def test_bad_filters_show_an_error_not_a_crash(client, city, submit):
    submit()
    c = client_for(client, city.operator)
    response = c.get("/cases/", {"unit": "999999", "received_after": "yesterday"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()


PAGES = ["/cases/", "/queue/", "/workbench/", "/overview/", "/my/"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "who,url",
    [
        ("operator", "/cases/"),
        ("dispatcher", "/queue/"),
        ("handler", "/workbench/"),
        ("leader", "/workbench/"),
        ("supervisor", "/overview/"),
        ("leader", "/overview/"),
        ("citizen_user", "/my/"),
        ("handler", "case"),
        ("dispatcher", "case"),
    ],
)
def test_queries_do_not_grow_with_the_list(client, city, submit, who, url):
    user = getattr(city, who)
    c = client_for(client, user)

    def add(n):
        for _ in range(n):
            case = submit(actor=user if who == "citizen_user" else city.operator)
            if who != "dispatcher":
                case = actions.dispatch(case, city.dispatcher, city.dept)
                actions.urge(case, city.supervisor, note="请加快")
        return case

    last = add(3)
    target = f"/cases/{last.number}/" if url == "case" else url
    few = _queries(c, target)
    last = add(25)
    target = f"/cases/{last.number}/" if url == "case" else url
    many = _queries(c, target)
    assert many == few, f"{url}: {few} queries with 3 cases, {many} with 28"


def test_refusals_and_unknown_pages_use_the_sites_own_pages(client, city):
    response = client.get("/cases/20990101-000001/")
    assert response.status_code == 302  # staff page, not logged in: sent to log in
    response = client.get("/track/20990101-000001/")
    assert response.status_code == 404 and 'data-testid="not-found"' in response.content.decode()
    response = client_for(client, city.handler).get("/queue/")
    assert response.status_code == 403 and 'data-testid="forbidden"' in response.content.decode()


def test_supervisor_urges_a_unit_on_all_its_overdue_cases(client, city, submit):
    from civicdesk.cases import clock

    overdue = [actions.dispatch(submit(), city.dispatcher, city.dept) for _ in range(2)]
    on_time = actions.dispatch(submit(), city.dispatcher, city.dept)
    elsewhere = actions.dispatch(submit(), city.dispatcher, city.dept2)
    Case.objects.filter(pk__in=[c.pk for c in overdue] + [elsewhere.pk]).update(
        due_at=clock.now() - timedelta(hours=1)
    )
    c = client_for(client, city.supervisor)
    assert 'data-testid="urge-zjj"' in c.get("/overview/").content.decode()

    response = c.post("/overview/urge/", {"unit": city.dept.pk, "note": ""}, follow=True)
    assert "请选择单位并填写催办意见" in response.content.decode()
    assert not CaseEvent.objects.filter(action="urge").exists()

    response = c.post("/overview/urge/", {"unit": city.dept.pk, "note": "请本周内办结"}, follow=True)
    assert "已催办 市住房和城乡建设局 的 2 件超期工单" in response.content.decode()
    urged = CaseEvent.objects.filter(action="urge")
    assert sorted(urged.values_list("case_id", flat=True)) == sorted(c.pk for c in overdue)
    assert all(e.payload["note"] == "请本周内办结" for e in urged)
    on_time.refresh_from_db()
    elsewhere.refresh_from_db()
    assert on_time.urge_count == 0 and elsewhere.urge_count == 0


def test_a_leader_urges_only_within_their_unit_and_a_handler_not_at_all(client, city, submit):
    from civicdesk.cases import clock

    case = actions.dispatch(submit(), city.dispatcher, city.dept2)
    Case.objects.filter(pk=case.pk).update(due_at=clock.now() - timedelta(hours=1))
    leader = client_for(client, city.leader)  # leads 住建局, not 交通局
    response = leader.post("/overview/urge/", {"unit": city.dept2.pk, "note": "请加快"}, follow=True)
    assert "没有超期工单" in response.content.decode()
    assert type(client)().post("/overview/urge/", {"unit": city.dept2.pk, "note": "x"}).status_code == 302
    handler = client_for(type(client)(), city.handler2)
    assert handler.post("/overview/urge/", {"unit": city.dept2.pk, "note": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.urge_count == 0
