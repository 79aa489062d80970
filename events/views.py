"""HTML pages and iCalendar feeds of the calendar: thin views over the same services and
selectors as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.core.permissions import coordinator_required
from events import selectors, services
from events.errors import EventError
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


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    registration = selectors.registration_active(event=event, user=request.user)
    coordinator = request.user.has_perm("events.manage_event")
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "registration": registration,
            "position": selectors.registration_position(registration) if registration else None,
            "can_register": request.user.has_perm("events.register_event", event),
            "registrations": list(selectors.event_registrations(event=event))
            if coordinator
            else [],
            "attendees": list(selectors.event_attendees(event=event))
            if event.status == EventStatus.CLOSED
            else [],
        },
    )


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    try:
        registration = services.registration_create(actor=request.user, event=event)
    except EventError as err:
        messages.error(request, err.message)
    else:
        if registration.status == "registered":
            messages.success(request, _("You are registered. A confirmation is on its way."))
        else:
            messages.success(
                request,
                _("The event is full: you are on the waiting list, in position %(n)s.")
                % {"n": selectors.registration_position(registration)},
            )
    return redirect(request.POST.get("next") if _safe_next(request) else event)


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next") or ""
    return target.startswith("/") and not target.startswith("//")


@login_required
@require_POST
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    try:
        services.registration_cancel(actor=request.user, event=event)
    except EventError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(event)


def _form_errors(form, err: EventError) -> None:
    for field, errors in err.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not err.errors:
        form.add_error(None, err.message)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (project := request.GET.get("project", "")).isdigit():
        initial = {"project": int(project), "kind": EventKind.WORK_MEETING}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
        except EventError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("The event is published."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "event": None})


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except EventError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "event": event})


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_close(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    registrations = list(selectors.event_registrations(event=event))
    form = CloseForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_close(
                actor=request.user,
                event=event,
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
                next_steps=form.cleaned_data["next_steps"],
                attendee_ids=[int(pk) for pk in form.cleaned_data["attendees"]],
            )
        except EventError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("The event is closed and its minutes published."))
            return redirect(event)
    return render(request, "events/close.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_token_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(request, _("Your private calendar link is revoked."))
        else:
            services.calendar_token_regenerate(user=request.user)
            messages.success(request, _("Your private calendar has a new link."))
        return redirect("events:calendar")
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(request, "events/calendar.html", {"token": token})


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
