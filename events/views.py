"""HTML pages and iCalendar feeds of the calendar: thin views over the same services and
selectors as the API."""

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.core.forms import ActionPage, form_action
from backend.core.permissions import coordinator_required
from events import selectors, services
from events.forms import CloseForm, EventForm
from events.ics import calendar_bytes
from events.models import CalendarToken, Event, EventKind, EventStatus
from projects.models import Project, ProjectStatus

PAGE_SIZE = 20


def _event_or_404(request: HttpRequest, pk: int) -> Event:
    try:
        return selectors.event_get(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    past = request.GET.get("when") == "past"
    kind = request.GET.get("kind") or ""
    if kind not in EventKind.values:
        kind = ""
    project_raw = request.GET.get("project") or ""
    project_id = int(project_raw) if project_raw.isdigit() else None
    commune = (request.GET.get("commune") or "").strip()[:120]
    events = selectors.event_list(
        user=request.user,
        kind=kind or None,
        project_id=project_id,
        commune=commune or None,
        upcoming=not past,
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    projects = Project.objects.filter(
        status__in=[ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED]
    ).order_by("title")
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "past": past,
            "kinds": EventKind.choices,
            "kind": kind,
            "projects": projects,
            "project_id": project_id,
            "communes": selectors.event_communes(),
            "commune": commune,
        },
    )


def _event_detail_context(request: HttpRequest, pk: int) -> dict:
    event = _event_or_404(request, pk)
    registration = selectors.registration_active(event=event, user=request.user)
    coordinator = request.user.has_perm("events.manage_event")
    return {
        "event": event,
        "registration": registration,
        "position": selectors.registration_position(registration) if registration else None,
        "can_register": request.user.has_perm("events.register_event", event),
        "registrations": list(selectors.event_registrations(event=event)) if coordinator else [],
        "attendees": list(selectors.event_attendees(event=event))
        if event.status == EventStatus.CLOSED
        else [],
    }


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "events/detail.html", _event_detail_context(request, pk))


def _event_page(request: HttpRequest, pk: int) -> ActionPage:
    """The event's page, where the registration buttons post."""
    return ActionPage(
        template="events/detail.html",
        # Read again: a refused action leaves the event as it is in the database.
        context=lambda: _event_detail_context(request, pk),
        url=reverse("events:detail", kwargs={"pk": pk}),
    )


def _registered_message(registration) -> str:
    if registration.status == "registered":
        return _("You are registered. A confirmation is on its way.")
    return _("The event is full: you are on the waiting list, in position %(n)s.") % {
        "n": selectors.registration_position(registration)
    }


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    return _event_page(request, pk).act(
        request,
        django_forms.Form(request.POST),
        lambda data: services.registration_create(actor=request.user, event=event),
        success=_registered_message,
        success_url=request.POST["next"] if _safe_next(request) else "",
        form_name="action_form",
    )


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next") or ""
    return target.startswith("/") and not target.startswith("//")


@login_required
@require_POST
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    return _event_page(request, pk).act(
        request,
        django_forms.Form(request.POST),
        lambda data: services.registration_cancel(actor=request.user, event=event),
        success=_("Your registration is cancelled."),
        form_name="action_form",
    )


def _on_form_page(
    request: HttpRequest, form, run, *, template: str, context, success: str
) -> HttpResponse:
    """A coordinator's form page about an event: on to the event, or the form again."""
    return form_action(
        request,
        form,
        run,
        template=template,
        context=context,
        success_url=lambda event: event.get_absolute_url(),
        success_message=success,
        invalid_message=_("Check the form: it has errors."),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (project := request.GET.get("project", "")).isdigit():
        initial = {"project": int(project), "kind": EventKind.WORK_MEETING}
    return _on_form_page(
        request,
        EventForm(request.POST or None, initial=initial),
        lambda data: services.event_create(actor=request.user, **data),
        template="events/form.html",
        context={"event": None},
        success=_("The event is published."),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)

    def run(data: dict) -> Event:
        services.event_update(actor=request.user, event=event, **data)
        return event

    return _on_form_page(
        request,
        EventForm(request.POST or None, initial=EventForm.initial_for(event)),
        run,
        template="events/form.html",
        context={"event": event},
        success=_("The event is saved."),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_close(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    registrations = list(selectors.event_registrations(event=event))

    def run(data: dict) -> Event:
        services.event_close(
            actor=request.user,
            event=event,
            minutes=data["minutes"],
            decisions=data["decisions"],
            next_steps=data["next_steps"],
            attendee_ids=[int(pk) for pk in data["attendees"]],
        )
        return event

    return _on_form_page(
        request,
        CloseForm(request.POST or None, registrations=registrations),
        run,
        template="events/close.html",
        context={"event": event},
        success=_("The event is closed and its minutes published."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_token_page(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        run = lambda data: services.calendar_token_revoke(user=request.user)  # noqa: E731
        success = _("Your private calendar link is revoked.")
    else:
        run = lambda data: services.calendar_token_regenerate(user=request.user)  # noqa: E731
        success = _("Your private calendar has a new link.")
    return form_action(
        request,
        django_forms.Form(request.POST),
        run,
        template="events/calendar.html",
        context=lambda: {"token": CalendarToken.objects.filter(user=request.user).first()},
        success_url=reverse("events:calendar"),
        success_message=success,
        form_name="token_form",
    )


def _ics_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def calendar_public_feed(request: HttpRequest) -> HttpResponse:
    return _ics_response(calendar_bytes(selectors.calendar_public(), name="Terreau"), "terreau.ics")


@require_GET
def calendar_private_feed(request: HttpRequest, token: str) -> HttpResponse:
    found = CalendarToken.objects.filter(token=token).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404
    events = selectors.calendar_private(user=found.user)
    return _ics_response(calendar_bytes(events, name=_("My Terreau agenda")), "mon-agenda.ics")
