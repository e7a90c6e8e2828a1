"""Staff pages: the audit log (README, "Security"), for admins only: every other role is told
there is nothing here (404), as the witness pages tell roles that see no witnesses.

Who did or read what, when, each field before and after, and from where; by record, by person
and by day, newest first, and the same entries as CSV (`?format=csv`)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import audit
from accounts.models import AuditEntry
from accounts.permissions import is_admin
from core.csv import safe_writer

from ..forms.audit import AuditFilter
from ..forms.errors import error_links

ENTRIES_PER_PAGE = 50
ACTION_WORDS = {
    AuditEntry.Action.CREATE: "Created",
    AuditEntry.Action.UPDATE: "Changed",
    AuditEntry.Action.DELETE: "Deleted",
    AuditEntry.Action.ACCESS: "Read",
}
CSV_HEADER = [
    "time_utc",
    "who",
    "user_id",
    "action",
    "event",
    "object_type",
    "object_id",
    "object",
    "changes",
    "details",
    "client_address",
    "user_agent",
    "correlation_id",
]


def _kind(entry: AuditEntry) -> str:
    model = entry.content_type.model_class()
    return model._meta.verbose_name.capitalize() if model else entry.content_type.model


def _what_happened(entry: AuditEntry) -> str:
    details = entry.additional_data or {}
    event = details.get("event")
    words = str(event).replace("_", " ").capitalize() if event else ACTION_WORDS[entry.action]
    if details.get("via"):
        words = f"{words} on the {details['via']}"
    return words


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "(none)"
    return str(value)


def _row(entry: AuditEntry) -> dict:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return {
        "entry": entry,
        "kind": _kind(entry),
        "what": _what_happened(entry),
        "booking": (entry.additional_data or {}).get("booking"),
        "changes": [
            {"field": name.replace("_", " "), "before": _shown(pair[0]), "after": _shown(pair[1])}
            for name, pair in changes.items()
            if isinstance(pair, list) and len(pair) == 2
        ],
        "object_type": entry.content_type.natural_key(),
    }


class _Echo:
    """A file that hands back what is written to it: each CSV line goes straight out."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(entries):
    # Names, reasons and user agents are typed by people: none may open as a formula.
    writer = safe_writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in entries.iterator(chunk_size=2000):
        details = entry.additional_data or {}
        yield writer.writerow(
            [
                entry.timestamp.isoformat(),
                entry.actor_label,
                entry.actor_id or "",
                ACTION_WORDS[entry.action].lower(),
                details.get("event", ""),
                ".".join(entry.content_type.natural_key()),
                entry.object_pk,
                entry.object_repr,
                json.dumps(entry.changes) if entry.changes else "",
                json.dumps(details) if details else "",
                entry.remote_addr or "",
                entry.user_agent,
                entry.cid or "",
            ]
        )


@login_required
@require_GET
def audit_log(request):
    if not is_admin(request.user):
        raise Http404("No audit log here.")
    filters = AuditFilter(request.GET, audit.entry_list())
    valid = filters.is_valid()
    entries = filters.qs if valid else AuditEntry.objects.none()
    if valid and request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv")
        filename = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/audit.html",
        {
            "form": filters.form,
            "errors": error_links(filters.form),
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "rows": [_row(entry) for entry in page],
            "filtered": filters.filtered,
        },
    )


urlpatterns = [
    path("audit/", audit_log, name="audit"),
]
