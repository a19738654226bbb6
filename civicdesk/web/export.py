"""Case lists as CSV or Excel, in the columns a hotline office publishes. Contact data stays masked."""

import csv

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

EXPORT_LIMIT = 100_000


def _columns():
    return [
        (_("工单编号"), lambda c: c.number),
        (_("受理时间"), lambda c: _time(c.received_at)),
        (_("渠道"), lambda c: c.get_channel_display()),
        (_("诉求类型"), lambda c: c.get_kind_display()),
        (_("标题"), lambda c: c.title),
        (_("分类"), lambda c: c.category.full_name if c.category else ""),
        (_("所属区域"), lambda c: c.area.name if c.area else ""),
        (_("地址"), lambda c: c.address),
        (_("诉求人电话"), lambda c: c.citizen.masked_phone if c.citizen else ""),
        (_("承办单位"), lambda c: c.responsible_unit.name if c.responsible_unit else ""),
        (_("状态"), lambda c: c.get_state_display()),
        (_("时限状态"), lambda c: c.get_sla_status_display()),
        (_("办结时限"), lambda c: _time(c.due_at)),
        (_("答复时间"), lambda c: _time(c.replied_at)),
        (_("答复超期"), lambda c: _("是") if c.replied_late else ""),
        (_("办结时间"), lambda c: _time(c.closed_at)),
        (_("是否解决"), lambda c: c.get_resolved_display() if c.resolved else ""),
        (_("是否满意"), lambda c: c.get_satisfied_display() if c.satisfied else ""),
        (_("重办次数"), lambda c: c.reopen_count),
        (_("退单次数"), lambda c: c.return_count),
    ]


def _time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _rows(queryset):
    columns = _columns()
    yield [title for title, _get in columns]
    cases = queryset.select_related("category", "area", "citizen", "responsible_unit")[:EXPORT_LIMIT]
    for case in cases.iterator(chunk_size=2000):
        yield [_safe(get(case)) for _title, get in columns]


def _safe(value):
    """Citizens' text must not become a spreadsheet formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def cases_response(queryset, fmt):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(_with_bom(writer, queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("工单"))
    for row in _rows(queryset):
        sheet.append(row)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
    workbook.save(response)
    return response


def _with_bom(writer, queryset):
    """CSV lines; the byte-order mark lets Excel on Windows open the Chinese text correctly."""
    yield "\ufeff"
    for row in _rows(queryset):
        yield writer.writerow(row)
