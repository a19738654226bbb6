"""The assessment as an Excel sheet in the layout a hotline office publishes: a title row, the period and the
weights, then one row per unit in rank order."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import HOUR_EDGES


def _percent(value):
    return None if value is None else round(value * 100, 1)


def _hours(value):
    """Hours to one decimal; beyond the histogram's last edge, the text "> 1440"."""
    if value is None:
        return None
    if value == float("inf"):
        return f"> {HOUR_EDGES[-1]}"
    return round(value, 1)


def ranking_workbook(rows, period, weights):
    book = Workbook()
    sheet = book.active
    sheet.title = _("考核排名")
    header = [
        _("排名"),
        _("承办单位"),
        _("派单量"),
        _("响应率（%）"),
        _("解决率（%）"),
        _("满意率（%）"),
        _("综合得分"),
        _("上期得分"),
        _("排名变化"),
        _("按期答复率（%）"),
        _("退单率（%）"),
        _("重办率（%）"),
        _("吹哨报到及时率（%）"),
        _("平均办理时长（小时）"),
        _("90%办理时长（小时）"),
    ]
    sheet.append([_("%(period)s 承办单位考核排名") % {"period": period.label}])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(
        [
            _(
                "统计口径：%(start)s 至 %(end)s 受理的工单；权重 响应率 %(r)d%%、解决率 %(s)d%%、满意率 %(m)d%%；生成于 %(now)s"  # noqa: E501
            )
            % {
                "start": f"{period.start:%Y-%m-%d}",
                "end": f"{period.last_day:%Y-%m-%d}",
                "r": weights.response,
                "s": weights.resolution,
                "m": weights.satisfaction,
                "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            }
        ]
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.rank,
                row.unit.name,
                row.assigned,
                _percent(row.response_rate),
                _percent(row.resolution_rate),
                _percent(row.satisfaction_rate),
                None if row.score is None else round(row.score, 2),
                None if row.previous_score is None else round(row.previous_score, 2),
                row.rank_change,
                _percent(row.on_time_rate),
                _percent(row.return_rate),
                _percent(row.reopen_rate),
                _percent(row.punctuality_rate),
                _hours(row.mean_hours),
                _hours(row.p90_hours),
            ]
        )
    sheet.column_dimensions["B"].width = 28
    return book
