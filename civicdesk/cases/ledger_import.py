"""Importing a problem ledger (问题台账) kept in Excel or CSV, as villages and streets keep them.

The usual layout: number, date, name, phone, area, content, category, responsible unit, deadline,
measures, progress, state (Chinese or English headers, any order; only the content is required). Every
row is checked before anything is written; if any row has a problem, nothing is imported and the report
names each problem by row, column and what is wrong. Otherwise each row becomes a case of the channel
`visit`, received now, dispatched to its responsible unit when one is named, due by the ledger's
deadline when one is given; the ledger's own number, date, measures and progress are kept on the case
(an internal "imported" event). Rows already closed in the ledger are refused: the ledger tracks open
problems, and a closed one has no deadline left to follow."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Channel
from civicdesk.org.models import Unit

from . import actions, clock, deadlines, intake
from .errors import ValidationFailed

COLUMNS = {
    "number": ("编号", "序号", "台账编号", "number"),
    "date": ("日期", "登记日期", "受理日期", "date"),
    "name": ("姓名", "诉求人", "群众姓名", "name"),
    "phone": ("电话", "联系电话", "手机", "phone"),
    "area": ("区域", "所属区域", "社区", "村", "社区（村）", "area"),
    "content": ("诉求内容", "问题内容", "问题描述", "内容", "问题", "content", "description"),
    "category": ("分类", "类别", "问题分类", "category"),
    "unit": ("责任单位", "责任主体", "承办单位", "unit"),
    "deadline": ("办理时限", "完成时限", "时限", "deadline"),
    "measures": ("措施", "整改措施", "解决措施", "measures"),
    "progress": ("进展", "办理进展", "进展情况", "progress"),
    "state": ("状态", "办理状态", "是否办结", "state"),
}
OPEN_WORDS = {"", "未办结", "办理中", "未解决", "待办", "否", "open", "in progress"}
CLOSED_WORDS = {"已办结", "已解决", "办结", "完成", "已完成", "是", "closed"}
# The example row of the template the import page offers, in the order of COLUMNS.
TEMPLATE_EXAMPLE = [
    "1",
    "2026-11-20",
    "张某",
    "13800000000",
    "暮云东社区",
    "小区门口路灯不亮",
    "",
    "",
    "2026-12-31",
    "",
    "",
    "未办结",
]
MAX_ROWS = 5000
FIELD_COLUMN = {"description": "content", "phone": "phone", "name": "name", "category": "category"}


@dataclass
class RowProblem:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the column's heading as written in the file
    problem: str


class LedgerImportError(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(f"{p.row}/{p.column}: {p.problem}" for p in problems[:5]))


def _rows(name, data):
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises zip, XML and key errors for damaged files
            raise LedgerImportError([RowProblem(0, "", _("不是可读取的 Excel（.xlsx）文件"))]) from None
        sheet = book.worksheets[0]
        return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(data.decode(encoding))))
            except UnicodeDecodeError:
                continue
        raise LedgerImportError([RowProblem(0, "", _("CSV 文件须为 UTF-8 或 GB18030 编码"))])
    raise LedgerImportError([RowProblem(0, "", _("请上传 .xlsx 或 .csv 文件"))])


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed into a number cell
    return str(value).strip() if value not in (None, "") else ""


def _moment(value):
    """A date or datetime cell (or text) → an aware datetime, or None if it is not a date."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = _text(value).replace("/", "-")
        try:  # both raise ValueError for a well-formed impossible date such as 2026-02-30
            moment = parse_datetime(text)
            day = None if moment else parse_date(text.replace(".", "-"))
        except ValueError:
            moment = day = None
        if moment is None and day is not None:
            moment = datetime.combine(day, time.min)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _unit(value):
    return Unit.objects.filter(Q(name=value) | Q(code=value), is_active=True).order_by("pk").first()


def check(name, data, max_rows=MAX_ROWS):
    """The rows ready to import, or LedgerImportError listing every problem (row, column, problem)."""
    rows = _rows(name, data)
    if not rows:
        raise LedgerImportError([RowProblem(0, "", _("文件是空的"))])
    header = [_text(h) for h in rows[0]]
    lowered = [h.lower() for h in header]
    where = {}
    for field, names in COLUMNS.items():
        for candidate in names:
            if candidate.lower() in lowered:
                where[field] = lowered.index(candidate.lower())
                break
    if "content" not in where:
        raise LedgerImportError(
            [
                RowProblem(
                    1,
                    "",
                    _("找不到诉求内容列，表头应为以下之一：%(n)s") % {"n": "、".join(COLUMNS["content"])},
                )
            ]
        )
    heading = {field: header[index] for field, index in where.items()}
    problems, ready = [], []
    body = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(_text(v) for v in row)]
    if len(body) > max_rows:
        raise LedgerImportError([RowProblem(0, "", _("一次最多导入 %(n)d 行") % {"n": max_rows})])
    now = clock.now()
    for number, row in body:

        def cell(field, row=row):
            index = where.get(field)
            return row[index] if index is not None and index < len(row) else ""

        def problem(field, message, number=number):
            problems.append(RowProblem(number, heading.get(field, field), message))

        data = {
            "channel": Channel.VISIT,
            "description": _text(cell("content")),
            "name": _text(cell("name")),
            "phone": _text(cell("phone")),
            "category": _text(cell("category")),
        }
        try:
            intake.validate(data, require_phone=False)
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    problem(FIELD_COLUMN.get(field, field), str(message))
        area = unit = deadline = received = None
        if _text(cell("area")):
            area = _unit(_text(cell("area")))
            if area is None or not area.is_area:
                problem("area", _("没有这个区域（社区、村、街乡镇或区）：%(v)s") % {"v": _text(cell("area"))})
        if _text(cell("unit")):
            unit = _unit(_text(cell("unit")))
            if unit is None:
                problem("unit", _("没有这个单位：%(v)s") % {"v": _text(cell("unit"))})
        if _text(cell("date")):
            received = _moment(cell("date"))
            if received is None:
                problem("date", _("不是日期：%(v)s（如 2026-11-20）") % {"v": _text(cell("date"))})
            elif received > now:
                problem("date", _("日期在今天之后：%(v)s") % {"v": _text(cell("date"))})
        if _text(cell("deadline")):
            deadline = _moment(cell("deadline"))
            if deadline is None:
                problem("deadline", _("不是日期：%(v)s（如 2026-12-31）") % {"v": _text(cell("deadline"))})
            else:
                deadline = deadline.replace(hour=23, minute=59, second=59)
                if received is not None and deadline < received:
                    problem("deadline", _("办理时限早于登记日期"))
        state = _text(cell("state"))
        if state.lower() in CLOSED_WORDS:
            problem("state", _("已办结的问题不导入：台账只导入尚未解决的问题"))
        elif state.lower() not in OPEN_WORDS:
            problem("state", _("状态只能是“未办结”“办理中”或“已办结”：%(v)s") % {"v": state})
        ready.append(
            {
                "row": number,
                "data": {**data, "area": area.pk if area else ""},
                "unit": unit,
                "deadline": deadline,
                "ledger": {
                    "file": name[:100],
                    "row": number,
                    "number": _text(cell("number")),
                    "date": received.date().isoformat() if received else "",
                    "measures": _text(cell("measures")),
                    "progress": _text(cell("progress")),
                    "deadline": deadline.isoformat() if deadline else "",
                },
            }
        )
    if problems:
        raise LedgerImportError(problems)
    if not ready:
        raise LedgerImportError([RowProblem(0, "", _("表格只有表头，没有数据行"))])
    return ready


def import_ledger(name, data, actor, max_rows=MAX_ROWS):
    """Imports every row of the file or none (LedgerImportError); returns the new cases."""
    ready = check(name, data, max_rows)
    cases = []
    with transaction.atomic():
        for item in ready:
            case = intake.submit(item["data"], actor=actor, require_phone=False, route=False)
            actions.record_event(case, actor, "imported", item["ledger"], public=False)
            if item["unit"] is not None:
                case = actions.dispatch(case, actor, item["unit"], note=_("台账导入"))
            if item["deadline"] is not None:  # the ledger's own deadline, recorded in the "imported" event
                due = item["deadline"]
                warn = deadlines.warn_at(case.clock_started_at, due)
                type(case).objects.filter(pk=case.pk).update(due_at=due, warn_at=warn)
                case.due_at, case.warn_at = due, warn
            cases.append(case)
    return cases
