"""The « Place à l'acte » entries that name a pioneer, on the pioneer's page."""

from django.http import HttpRequest
from django.template.loader import render_to_string


def pioneer_entries_section(request: HttpRequest, pioneer_id: int) -> str:
    from commons.selectors import entries_of_pioneer

    entries = entries_of_pioneer(pioneer_id=pioneer_id)
    if not entries:
        return ""
    return render_to_string("commons/_pioneer_entries.html", {"entries": entries}, request=request)


def register() -> None:
    from backend.core.panels import page_panel_register

    page_panel_register(
        "pioneers:detail:sections",
        lambda request, pioneer: pioneer_entries_section(request, pioneer.pk),
    )
