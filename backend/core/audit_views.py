"""The audit journal for the coordinator: a filtered, paginated page and a CSV export."""

import csv
import json

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.forms import AuditFilterForm
from backend.core.permissions import coordinator_required
from backend.core.selectors import audit_event_list

PAGE_SIZE = 50


def _filtered(request: HttpRequest):
    form = AuditFilterForm(request.GET or None)
    return form, audit_event_list(**form.filters())


@coordinator_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (event, json.dumps(event.data, cls=DjangoJSONEncoder, ensure_ascii=False)) for event in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


class _Echo:
    """A file-like object whose ``write`` returns the line: csv.writer then yields text."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(qs):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # spreadsheet programs then read UTF-8 correctly
    yield writer.writerow(
        [
            _("When"),
            _("User number"),
            _("Who"),
            _("Action"),
            _("Object type"),
            _("Object number"),
            _("Object"),
            _("Details"),
        ]
    )
    # iterator(): rows stream from the database in chunks, memory stays flat.
    for event in qs.iterator(chunk_size=1000):
        yield writer.writerow(
            [
                timezone.localtime(event.created_at).isoformat(),
                event.actor_id or "",
                event.actor.email if event.actor_id else "",
                event.action,
                f"{event.target_type.app_label}.{event.target_type.model}"
                if event.target_type_id
                else "",
                event.target_id,
                event.target_repr,
                json.dumps(event.data, cls=DjangoJSONEncoder, ensure_ascii=False),
            ]
        )


@coordinator_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, qs = _filtered(request)
    response = StreamingHttpResponse(_csv_lines(qs), content_type="text/csv; charset=utf-8")
    name = f"journal-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
