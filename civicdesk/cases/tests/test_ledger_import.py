"""Importing an Excel ledger: all rows or none, each problem named by row, column and what is wrong."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from civicdesk.cases.ledger_import import LedgerImportError, check, import_ledger
from civicdesk.cases.models import Case

HEADER = [
    "编号",
    "日期",
    "姓名",
    "电话",
    "区域",
    "诉求内容",
    "分类",
    "责任单位",
    "办理时限",
    "措施",
    "进展",
    "状态",
]
YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()
NEXT_MONTH = (timezone.localdate() + timedelta(days=30)).isoformat()


def xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good(number="1", content="村口排水沟堵塞，雨天积水", unit="市住房和城乡建设局", deadline=NEXT_MONTH):
    return [
        number,
        YESTERDAY,
        "张三",
        "13800138000",
        "暮云东社区",
        content,
        "",
        unit,
        deadline,
        "组织清淤",
        "已联系施工队",
        "未办结",
    ]


def test_a_file_with_good_and_bad_rows_imports_nothing_and_names_every_problem(city):
    rows = [
        good("1"),
        good("2", content=""),  # row 3: no content
        [
            "3",
            YESTERDAY,
            "李四",
            "12345",
            "暮云东社区",
            "路灯不亮",
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # row 4: bad phone
        [
            "4",
            YESTERDAY,
            "",
            "",
            "火星社区",
            "路面破损",
            "",
            "不存在的局",
            "",
            "",
            "",
            "",
        ],  # row 5: area, unit
        [
            "5",
            "上周三",
            "",
            "",
            "",
            "噪音扰民",
            "",
            "",
            "2026-02-30 10:00",
            "",
            "",
            "",
        ],  # row 6: two bad dates
        [
            "6",
            YESTERDAY,
            "",
            "",
            "",
            "垃圾清运",
            "",
            "",
            "2000-01-01",
            "",
            "",
            "未办结",
        ],  # row 7: deadline early
        ["7", YESTERDAY, "", "", "", "井盖缺失", "", "", "", "", "", "已办结"],  # row 8: closed
        [
            "8",
            YESTERDAY,
            "",
            "",
            "",
            "违章搭建",
            "没有这个分类",
            "",
            "",
            "",
            "",
            "搁置",
        ],  # row 9: category, state
    ]
    with pytest.raises(LedgerImportError) as refused:
        import_ledger("台账.xlsx", xlsx(rows), city.dispatcher)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {
        (3, "诉求内容"),
        (4, "电话"),
        (5, "区域"),
        (5, "责任单位"),
        (6, "日期"),
        (6, "办理时限"),
        (7, "办理时限"),
        (8, "状态"),
        (9, "分类"),
        (9, "状态"),
    }
    messages = {(p.row, p.column): p.problem for p in refused.value.problems}
    assert "火星社区" in messages[(5, "区域")] and "不存在的局" in messages[(5, "责任单位")]
    assert "已办结" in messages[(8, "状态")]
    assert Case.objects.count() == 0  # not even the good row


def test_a_clean_ledger_becomes_dispatched_cases_with_the_ledgers_deadlines(city):
    rows = [good("A-1"), good("A-2", content="村道护栏损坏", unit="jtj", deadline="")]
    cases = import_ledger("台账.xlsx", xlsx(rows), city.dispatcher)
    first, second = (Case.objects.get(pk=c.pk) for c in cases)
    assert first.channel == second.channel == "visit"
    assert first.responsible_unit == city.dept and second.responsible_unit == city.dept2
    assert first.area == city.community and first.citizen.phone == "13800138000"
    due = timezone.localtime(first.due_at)
    assert (due.date(), due.hour, due.minute) == (date.fromisoformat(NEXT_MONTH), 23, 59)
    assert first.warn_at < first.due_at
    imported = first.events.get(action="imported")
    assert imported.payload["number"] == "A-1" and imported.payload["measures"] == "组织清淤"
    assert imported.payload["progress"] == "已联系施工队" and imported.payload["date"] == YESTERDAY
    assert second.due_at != first.due_at  # no deadline in the ledger: the catalogue's rule applies


def test_a_csv_in_gb18030_with_english_headings(city):
    text = "content,phone,unit\n楼道灯坏了,13900000000,zjj\n"
    cases = import_ledger("ledger.csv", text.encode("gb18030"), city.dispatcher)
    assert len(cases) == 1 and cases[0].responsible_unit == city.dept


def test_files_that_are_not_ledgers_are_refused_with_a_reason(city):
    for name, data, expected in [
        ("台账.docx", b"x", ".xlsx"),
        ("台账.xlsx", b"not a zip", "Excel"),
        ("台账.xlsx", xlsx([], header=["姓名", "电话"]), "诉求内容"),
        ("台账.xlsx", xlsx([]), "没有数据行"),
    ]:
        with pytest.raises(LedgerImportError) as refused:
            check(name, data)
        assert expected in refused.value.problems[0].problem


def test_the_import_page_reports_problems_or_imports(client, city):
    client.force_login(city.handler)
    assert client.get("/cases/import/").status_code == 403
    client.force_login(city.dispatcher)
    template = client.get("/cases/import/template.xlsx")
    assert template.status_code == 200
    bad = io.BytesIO(xlsx([good("1"), good("2", content="")]))
    bad.name = "台账.xlsx"
    page = client.post("/cases/import/", {"file": bad}).content.decode()
    assert 'data-testid="ledger-problems"' in page and "诉求内容" in page
    assert Case.objects.count() == 0
    sample = io.BytesIO(template.content)  # the template's own example row imports
    sample.name = "ledger-template.xlsx"
    response = client.post("/cases/import/", {"file": sample})
    assert response.status_code == 302 and Case.objects.count() == 1
    from civicdesk.web.views.ledger import WEB_MAX_ROWS

    big = io.BytesIO(xlsx([good(str(n)) for n in range(WEB_MAX_ROWS + 1)]))
    big.name = "大台账.xlsx"
    page = client.post("/cases/import/", {"file": big}).content.decode()
    assert f"一次最多导入 {WEB_MAX_ROWS} 行" in page and Case.objects.count() == 1


def test_the_command_imports_or_lists_the_problems(city, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([good("1"), ["2", "", "", "", "", "", "", "", "", "", "", "已办结"]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ledger", str(path), user="dispatcher", stderr=io.StringIO())
    path.write_bytes(xlsx([good("1")]))
    out = io.StringIO()
    call_command("import_ledger", str(path), user="dispatcher", stdout=out)
    assert "imported 1 cases" in out.getvalue()
