"""HTML pages of the commons: thin views over the services and selectors the API uses."""

import csv

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.accounts.models import User
from backend.core.errors import ApplicationError
from backend.core.permissions import rule_required
from backend.core.throttles import too_many_requests_page, web_throttled
from commons import forms, selectors
from commons.export import resource_csv_rows, resources_jsonld_chunks
from commons.models import (
    Axis,
    CommitteeMember,
    EntryKind,
    Licence,
    ResourceKind,
    ResourceStatus,
    TerritoryType,
)
from commons.rules import is_committee_member, user_is_editor
from commons.services import committee as committee_services
from commons.services import directory as directory_services
from commons.services import resources as resource_services
from commons.throttles import DirectoryReportRateThrottle
from projects.markdown import render_markdown

PAGE_SIZE = 20


def _apply_error(form, exc: ApplicationError) -> None:
    for name, errors in exc.errors.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
    if not exc.errors:
        form.add_error(None, exc.message)


# ---------------------------------------------------------------- resources


def _filters(request: HttpRequest) -> selectors.ResourceFilters:
    get = request.GET
    axis_slugs = set(Axis.objects.values_list("slug", flat=True))
    return selectors.ResourceFilters(
        q=(get.get("q") or "").strip()[:200],
        kind=get.get("kind") if get.get("kind") in ResourceKind.values else "",
        axis=get.get("axis") if get.get("axis") in axis_slugs else "",
        theme=(get.get("theme") or "")[:60],
        audience=(get.get("audience") or "")[:60],
        licence=get.get("licence") if get.get("licence") in Licence.values else "",
        territory=get.get("territory") if get.get("territory") in TerritoryType.values else "",
        easy_read=get.get("easy_read") == "1",
    )


def resource_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(selectors.resource_search(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commons/resource_list.html",
        {
            "page": page,
            "filters": filters,
            "facets": selectors.resource_facets(filters=filters),
            "territories": TerritoryType.choices,
            "is_editor": user_is_editor(request.user),
        },
    )


def _resource_or_404(request: HttpRequest, slug: str):
    resource = selectors.resource_get_for(user=request.user, slug=slug)
    if resource is None:
        raise Http404
    return resource


def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    if resource.status == ResourceStatus.PUBLISHED and request.method == "GET":
        resource_services.resource_read_count(resource_id=resource.pk)
    editor = user_is_editor(request.user)
    show_reviews = editor or resource.submitted_by_id == getattr(request.user, "pk", None)
    feedback = list(resource.feedback.select_related("user").exclude(comment="")[:20])
    return render(
        request,
        "commons/resource_detail.html",
        {
            "resource": resource,
            "body_html": render_markdown(resource.body),
            "reviews": selectors.resource_reviews(resource=resource) if show_reviews else [],
            "feedback": feedback,
            "feedback_form": forms.FeedbackForm(),
            "can_review": resource.status == ResourceStatus.PROPOSED
            and is_committee_member(request.user)
            and resource.submitted_by_id != request.user.pk,
            "can_decide": resource.status == ResourceStatus.PROPOSED and editor,
            "can_revise": request.user.has_perm("commons.revise_resource", resource)
            and resource.status in (ResourceStatus.PROPOSED, ResourceStatus.TO_REVISE),
            "decision_form": forms.DecisionForm(),
        },
    )


@rule_required("commons.suggest_resource")
def resource_suggest(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = forms.ResourceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                resource = resource_services.resource_suggest(
                    actor=request.user,
                    data=form.to_input(),
                    files=form.cleaned_data.get("files") or [],
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Thank you! Your suggestion goes to the editorial committee's agenda."),
                )
                return redirect("commons:resource_detail", slug=resource.slug)
        else:
            status = 400
    else:
        form = forms.ResourceForm(initial={"licence": Licence.CC_BY_SA_4, "language": "fr"})
    return render(
        request, "commons/resource_form.html", {"form": form, "resource": None}, status=status
    )


@login_required
def resource_edit(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    if not request.user.has_perm("commons.revise_resource", resource):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = forms.ResourceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                resource = resource_services.resource_revise(
                    actor=request.user,
                    resource=resource,
                    data=form.to_input(),
                    files=form.cleaned_data.get("files") or [],
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The resource was saved."))
                return redirect("commons:resource_detail", slug=resource.slug)
        else:
            status = 400
    else:
        form = forms.ResourceForm(initial=forms.ResourceForm.initial_for(resource))
    return render(
        request, "commons/resource_form.html", {"form": form, "resource": resource}, status=status
    )


@login_required
@require_POST
def resource_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            resource_services.resource_feedback_give(
                actor=request.user,
                resource=resource,
                comment=form.cleaned_data["comment"],
                used=form.cleaned_data["used"],
                rating=form.cleaned_data["rating"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
    else:
        messages.error(request, _("Check your feedback."))
    return redirect("commons:resource_detail", slug=resource.slug)


def start(request: HttpRequest) -> HttpResponse:
    """« Par où commencer ? »: three questions, then resources to begin with."""
    form = forms.StartForm(request.GET or None)
    recommended = None
    if form.is_valid():
        recommended = selectors.resource_recommend(
            audience=form.cleaned_data["audience"].slug,
            territory=form.cleaned_data["territory"],
            axis=form.cleaned_data["axis"].slug,
        )
    return render(request, "commons/start.html", {"form": form, "recommended": recommended})


def review_grid(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "commons/grid.html",
        {"criteria": selectors.review_grid(), "decisions": selectors.decisions_recent()},
    )


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in resource_csv_rows()), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="ressources-terreau.csv"'
    return response


def export_jsonld(request: HttpRequest) -> StreamingHttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        resources_jsonld_chunks(base_url=base), content_type="application/ld+json"
    )
    response["Content-Disposition"] = 'attachment; filename="ressources-terreau.jsonld"'
    return response


# ---------------------------------------------------------------- committee


@rule_required("commons.view_committee")
def committee(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "commons/committee.html",
        {
            "members": selectors.committee_members(),
            "agenda": selectors.committee_agenda(),
            "sessions": selectors.committee_sessions()[:12],
            "appoint_form": forms.AppointForm(),
            "session_form": forms.SessionForm(),
            "is_coordinator": rules.has_perm("commons.appoint_committee", request.user),
            "reviews_needed": resource_services.reviews_needed(),
        },
    )


@rule_required("commons.appoint_committee")
@require_POST
def committee_appoint(request: HttpRequest) -> HttpResponse:
    form = forms.AppointForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            messages.error(request, _("Nobody has an account with this address."))
        else:
            try:
                committee_services.committee_member_appoint(actor=request.user, user=person)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Appointed to the committee."))
    return redirect("commons:committee")


@rule_required("commons.appoint_committee")
@require_POST
def committee_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(CommitteeMember, pk=pk)
    committee_services.committee_member_end(actor=request.user, member=member)
    messages.success(request, _("The seat is free again."))
    return redirect("commons:committee")


@rule_required("commons.view_committee")
@require_POST
def session_create(request: HttpRequest) -> HttpResponse:
    form = forms.SessionForm(request.POST)
    if form.is_valid():
        committee_services.committee_session_create(
            actor=request.user,
            held_on=form.cleaned_data["held_on"],
            title=form.cleaned_data["title"],
        )
        messages.success(request, _("The session is planned."))
    return redirect("commons:committee")


@rule_required("commons.review_resource")
def resource_review(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    criteria = selectors.review_grid()
    status = 200
    if request.method == "POST":
        form = forms.ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                committee_services.review_submit(
                    actor=request.user,
                    resource=resource,
                    marks=form.marks(),
                    recommendation=form.cleaned_data["recommendation"],
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Your review is recorded."))
                return redirect("commons:resource_detail", slug=resource.slug)
        else:
            status = 400
    else:
        form = forms.ReviewForm(criteria=criteria)
    return render(
        request, "commons/review.html", {"form": form, "resource": resource}, status=status
    )


@rule_required("commons.decide_resource")
@require_POST
def resource_decide(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            committee_services.resource_decide(
                actor=request.user,
                resource=resource,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The decision is published."))
    else:
        messages.error(request, _("Choose a decision and write its reasons."))
    return redirect("commons:resource_detail", slug=resource.slug)


# ---------------------------------------------------------------- Place à l'acte


def directory(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    filters = selectors.EntryFilters(q=(request.GET.get("q") or "")[:200], kind=kind)
    page = Paginator(selectors.entries_visible(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commons/directory.html",
        {
            "page": page,
            "filters": filters,
            "kinds": EntryKind.choices,
            "is_editor": user_is_editor(request.user),
        },
    )


def directory_map(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return render(
        request,
        "commons/directory_map.html",
        {"tiles_url": settings.TERREAU_MAP_TILES_URL},
    )


def _entry_or_404(request: HttpRequest, pk: int):
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    if entry is None:
        raise Http404
    return entry


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    return render(
        request,
        "commons/entry_detail.html",
        {
            "entry": entry,
            "report_form": forms.ReportForm(),
            "moderation_form": forms.ModerationForm(),
            "is_editor": user_is_editor(request.user),
            "moderations": entry.moderations.select_related("actor")[:10],
        },
    )


def _entry_form_page(request: HttpRequest, entry=None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = forms.EntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if entry is None:
                    entry = directory_services.entry_create(
                        actor=request.user,
                        data=data,
                        pioneer_ids=data["pioneers"],
                        project_ids=data["projects"],
                    )
                else:
                    entry = directory_services.entry_update(
                        actor=request.user,
                        entry=entry,
                        data=data,
                        pioneer_ids=data["pioneers"],
                        project_ids=data["projects"],
                    )
            except ApplicationError as exc:
                _apply_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The entry is saved."))
                return redirect("commons:entry_detail", pk=entry.pk)
        else:
            status = 400
    elif entry is not None:
        initial = {name: getattr(entry, name) for name in directory_services.ENTRY_FIELDS}
        initial["pioneers"] = ", ".join(str(p.pk) for p in entry.pioneers.all())
        initial["projects"] = ", ".join(p.slug for p in entry.projects.all())
        form = forms.EntryForm(initial=initial)
    else:
        form = forms.EntryForm()
    return render(request, "commons/entry_form.html", {"form": form, "entry": entry}, status=status)


@rule_required("commons.edit_entry")
def entry_new(request: HttpRequest) -> HttpResponse:
    return _entry_form_page(request)


@rule_required("commons.edit_entry")
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_form_page(request, _entry_or_404(request, pk))


def entry_history(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    revisions = entry.revisions.select_related("editor")[:100]
    return render(request, "commons/entry_history.html", {"entry": entry, "revisions": revisions})


@rule_required("commons.report_entry")
@require_POST
def entry_report(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    if web_throttled(request, DirectoryReportRateThrottle):
        return too_many_requests_page(request)
    form = forms.ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason."))
        return redirect("commons:entry_detail", pk=entry.pk)
    try:
        directory_services.entry_report(
            actor=request.user,
            entry=entry,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("commons:entry_detail", pk=entry.pk)
    messages.success(request, _("Thank you: the report is recorded."))
    return redirect("commons:directory")


@rule_required("commons.moderate_entry")
@require_POST
def entry_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = forms.ModerationForm(request.POST)
    if form.is_valid():
        try:
            directory_services.entry_moderate(
                actor=request.user,
                entry=entry,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The moderation decision is recorded."))
    else:
        messages.error(request, _("Choose a decision and give its reason."))
    return redirect(reverse("commons:moderation"))


@rule_required("commons.moderate_entry")
def moderation(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "commons/moderation.html",
        {
            "entries": selectors.entries_under_moderation()[:100],
            "moderation_form": forms.ModerationForm(),
        },
    )
