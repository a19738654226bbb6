"""The public board shows the work and never the people: planted personal data never appears."""

import pytest

from civicdesk.board.redact import redact
from civicdesk.cases import actions
from civicdesk.cases.permissions import CitizenProof

NAME, PHONE, LANDLINE, ID_NUMBER = "王小明", "13912345678", "0731-84561234", "430104199003075632"
HOUSE, EMAIL = "8栋2单元501室", "wxm2026@example.com"
SECRETS = (NAME, PHONE, "1391234", LANDLINE, "84561234", ID_NUMBER, "501室", EMAIL)


def pages(client, case):
    return {
        "board": client.get("/board/").content.decode(),
        "case": client.get(f"/board/{case.number}/").content.decode(),
        "stats": client.get("/board/stats/").content.decode(),
        "feed": client.get("/board/feed/").content.decode(),
    }


@pytest.fixture
def planted(city, submit):
    """A request carrying its author's personal data everywhere a person can type it."""
    case = submit(
        name=NAME,
        phone=PHONE,
        title=f"我叫{NAME}，小区路灯不亮",
        description=f"我叫{NAME}，住{HOUSE}，身份证{ID_NUMBER}，电话{PHONE}，座机{LANDLINE}，邮箱{EMAIL}。"
        "楼下路灯坏了两周，夜里出行不安全。",
    )
    case = actions.accept(actions.dispatch(case, city.dispatcher, city.dept), city.handler)
    case = actions.interim_reply(
        case, city.handler, text=f"已电话联系{NAME}（{PHONE}），明天到{HOUSE}楼下查看"
    )
    case = actions.reply(
        case, city.handler, text=f"经核实{NAME}反映属实，路灯已更换，身份证{ID_NUMBER}已登记"
    )
    case = actions.rate(
        case,
        CitizenProof(case.citizen_id),
        resolved="resolved",
        satisfied="satisfied",
        comment=f"谢谢，{PHONE}",
    )
    return case


def test_planted_personal_data_never_reaches_the_public_board(client, planted):
    shown = pages(client, planted)
    for page, html in shown.items():
        for secret in SECRETS:
            assert secret not in html, f"{secret} on the {page} page"
    case_page = shown["case"]
    assert "路灯坏了两周" in case_page and "路灯已更换" in case_page  # the substance stays
    assert "[电话]" in case_page and "[身份证号]" in case_page and "[门牌号]" in case_page
    assert "王某某" in case_page
    assert planted.number in shown["board"] and planted.number in shown["feed"]
    assert "市住房和城乡建设局" in case_page  # units are named, people are not
    assert "handler" not in case_page


def test_withheld_cases_stay_off_the_board_until_published_again(client, city, planted):
    with pytest.raises(actions.ActionForbidden):
        actions.withhold_publication(planted, city.handler, reason="涉及未成年人")
    case = actions.withhold_publication(planted, city.supervisor, reason="涉及未成年人")
    assert case.publication_withheld and case.publication_note == "涉及未成年人"
    assert client.get(f"/board/{case.number}/").status_code == 404
    shown = client.get("/board/").content.decode() + client.get("/board/feed/").content.decode()
    assert case.number not in shown
    assert case.events.get(action="withhold_publication").is_public is False
    actions.publish(case, city.supervisor, reason="监护人同意公开")
    assert client.get(f"/board/{case.number}/").status_code == 200


def test_reports_and_merged_withdrawn_or_invalid_cases_are_never_shown(client, city, submit):
    report = submit(kind="report", title="举报某餐馆无证经营")
    withdrawn = actions.withdraw(submit(title="已撤回的诉求"), city.operator, reason="市民撤回")
    invalid = actions.mark_invalid(submit(title="骚扰电话"), city.operator, reason="无实际诉求")
    kept = submit(title="公开的诉求")
    board = client.get("/board/").content.decode()
    assert kept.number in board
    for hidden in (report, withdrawn, invalid):
        assert hidden.number not in board
        assert client.get(f"/board/{hidden.number}/").status_code == 404


def test_statistics_per_unit_count_and_rate_the_rated_cases(client, city, submit):
    def rated(resolved, satisfied):
        case = actions.accept(actions.dispatch(submit(), city.dispatcher, city.dept), city.handler)
        case = actions.reply(case, city.handler, text="已处理完毕，经现场核实")
        return actions.rate(case, CitizenProof(case.citizen_id), resolved=resolved, satisfied=satisfied)

    rated("resolved", "satisfied")
    rated("partly", "basically")
    rated("not", "not")  # reopened: rated, neither resolved nor satisfied
    actions.dispatch(submit(), city.dispatcher, city.dept)  # not rated yet
    html = client.get("/board/stats/").content.decode()
    row = html[html.index("市住房和城乡建设局") :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells == ["4", "2", "3", "67%", "67%"]


def test_the_board_filters_by_unit_and_state(client, city, submit):
    water = actions.dispatch(submit(category=city.cat_water.full_name), city.dispatcher, city.water)
    building = actions.dispatch(submit(), city.dispatcher, city.dept)
    page = client.get("/board/", {"unit": city.water.pk}).content.decode()
    assert water.number in page and building.number not in page
    assert building.number not in client.get("/board/", {"status": "closed"}).content.decode()
    assert client.get("/board/", {"unit": "x", "area": "999999", "category": "y"}).status_code == 200


@pytest.mark.parametrize(
    "text, kept",
    [
        ("地铁3号线2号出口", "地铁3号线2号出口"),
        ("公交102路晚点20分钟", "公交102路晚点20分钟"),
        ("2023年起已反映3次", "2023年起已反映3次"),
        ("噪音超过60分贝", "噪音超过60分贝"),
    ],
)
def test_redaction_leaves_ordinary_numbers_readable(text, kept):
    assert redact(text) == kept


@pytest.mark.parametrize(
    "text, gone",
    [
        ("手机 139 1234 5678", "5678"),
        ("+86 13912345678", "13912345678"),
        ("身份证43010419900307563X", "43010419900307563X"),
        ("住5-2-301", "5-2-301"),
        ("芙蓉小区12号楼3单元402", "402"),
        ("银行卡 6222 0212 3456 7890", "7890"),
        ("姓名：欧阳娜娜，", "娜娜"),
    ],
)
def test_redaction_removes_identifiers_however_written(text, gone):
    assert gone not in redact(text)
