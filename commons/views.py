"""HTML pages of the commons: thin views over the services and selectors the API uses."""

import csv

import rules
from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.accounts.models import User
from backend.core.forms import ActionPage, form_action
from backend.core.permissions import rule_required
from backend.core.throttles import too_many_requests_page, web_throttled
from commons import forms, selectors
from commons.errors import CommonsError
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


def _resource_detail_context(request: HttpRequest, slug: str) -> dict:
    resource = _resource_or_404(request, slug)
    editor = user_is_editor(request.user)
    show_reviews = editor or resource.submitted_by_id == getattr(request.user, "pk", None)
    feedback = list(resource.feedback.select_related("user").exclude(comment="")[:20])
    return {
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
    }


def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    context = _resource_detail_context(request, slug)
    resource = context["resource"]
    if resource.status == ResourceStatus.PUBLISHED and request.method == "GET":
        resource_services.resource_read_count(resource_id=resource.pk)
    return render(request, "commons/resource_detail.html", context)


def _resource_page(request: HttpRequest, slug: str) -> ActionPage:
    """The resource's page, where its feedback and decision forms post."""
    return ActionPage(
        template="commons/resource_detail.html",
        context=lambda: _resource_detail_context(request, slug),
        url=reverse("commons:resource_detail", kwargs={"slug": slug}),
    )


def _resource_form_page(request: HttpRequest, resource, run, *, success: str) -> HttpResponse:
    """Suggest or revise a resource: on to its page, or the form again."""
    if request.method == "POST":
        form = forms.ResourceForm(request.POST, request.FILES)
    elif resource is None:
        form = forms.ResourceForm(initial={"licence": Licence.CC_BY_SA_4, "language": "fr"})
    else:
        form = forms.ResourceForm(initial=forms.ResourceForm.initial_for(resource))
    return form_action(
        request,
        form,
        lambda data: run(data=form.to_input(), files=data.get("files") or []),
        template="commons/resource_form.html",
        context={"resource": resource},
        success_url=lambda saved: reverse("commons:resource_detail", kwargs={"slug": saved.slug}),
        success_message=success,
        invalid_message=_("Check the form: it has errors."),
    )


@rule_required("commons.suggest_resource")
def resource_suggest(request: HttpRequest) -> HttpResponse:
    return _resource_form_page(
        request,
        None,
        lambda **values: resource_services.resource_suggest(actor=request.user, **values),
        success=_("Thank you! Your suggestion goes to the editorial committee's agenda."),
    )


@login_required
def resource_edit(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    if not request.user.has_perm("commons.revise_resource", resource):
        raise PermissionDenied
    return _resource_form_page(
        request,
        resource,
        lambda **values: resource_services.resource_revise(
            actor=request.user, resource=resource, **values
        ),
        success=_("The resource was saved."),
    )


@login_required
@require_POST
def resource_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    return _resource_page(request, slug).act(
        request,
        forms.FeedbackForm(request.POST),
        lambda data: resource_services.resource_feedback_give(
            actor=request.user, resource=resource, **data
        ),
        success=_("Thank you for your feedback."),
        invalid=_("Check your feedback."),
        form_name="feedback_form",
    )


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


def _committee_context(request: HttpRequest) -> dict:
    return {
        "members": selectors.committee_members(),
        "agenda": selectors.committee_agenda(),
        "sessions": selectors.committee_sessions()[:12],
        "appoint_form": forms.AppointForm(),
        "session_form": forms.SessionForm(),
        "is_coordinator": rules.has_perm("commons.appoint_committee", request.user),
        "reviews_needed": resource_services.reviews_needed(),
    }


@rule_required("commons.view_committee")
def committee(request: HttpRequest) -> HttpResponse:
    return render(request, "commons/committee.html", _committee_context(request))


def _committee_page(request: HttpRequest) -> ActionPage:
    """The committee's page, where its appointment and session forms post."""
    return ActionPage(
        template="commons/committee.html",
        context=lambda: _committee_context(request),
        url=reverse("commons:committee"),
    )


@rule_required("commons.appoint_committee")
@require_POST
def committee_appoint(request: HttpRequest) -> HttpResponse:
    def run(data: dict):
        person = User.objects.filter(email__iexact=data["email"]).first()
        if person is None:
            message = _("Nobody has an account with this address.")
            raise CommonsError(message, code="unknown_email", errors={"email": [message]})
        return committee_services.committee_member_appoint(actor=request.user, user=person)

    return _committee_page(request).act(
        request,
        forms.AppointForm(request.POST),
        run,
        success=_("Appointed to the committee."),
        invalid=_("Check the form: it has errors."),
        form_name="appoint_form",
    )


@rule_required("commons.appoint_committee")
@require_POST
def committee_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(CommitteeMember, pk=pk)
    return _committee_page(request).act(
        request,
        django_forms.Form(request.POST),
        lambda data: committee_services.committee_member_end(actor=request.user, member=member),
        success=_("The seat is free again."),
        form_name="end_form",
    )


@rule_required("commons.view_committee")
@require_POST
def session_create(request: HttpRequest) -> HttpResponse:
    return _committee_page(request).act(
        request,
        forms.SessionForm(request.POST),
        lambda data: committee_services.committee_session_create(
            actor=request.user, held_on=data["held_on"], title=data["title"]
        ),
        success=_("The session is planned."),
        invalid=_("Check the form: it has errors."),
        form_name="session_form",
    )


@rule_required("commons.review_resource")
def resource_review(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    form = forms.ReviewForm(request.POST or None, criteria=selectors.review_grid())
    return form_action(
        request,
        form,
        lambda data: committee_services.review_submit(
            actor=request.user,
            resource=resource,
            marks=form.marks(),
            recommendation=data["recommendation"],
            comment=data["comment"],
        ),
        template="commons/review.html",
        context={"resource": resource},
        success_url=reverse("commons:resource_detail", kwargs={"slug": resource.slug}),
        success_message=_("Your review is recorded."),
        invalid_message=_("Check the form: it has errors."),
    )


@rule_required("commons.decide_resource")
@require_POST
def resource_decide(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _resource_or_404(request, slug)
    return _resource_page(request, slug).act(
        request,
        forms.DecisionForm(request.POST),
        lambda data: committee_services.resource_decide(
            actor=request.user, resource=resource, **data
        ),
        success=_("The decision is published."),
        invalid=_("Choose a decision and write its reasons."),
        form_name="decision_form",
    )


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


def _entry_detail_context(request: HttpRequest, pk: int) -> dict:
    entry = _entry_or_404(request, pk)
    return {
        "entry": entry,
        "report_form": forms.ReportForm(),
        "moderation_form": forms.ModerationForm(),
        "is_editor": user_is_editor(request.user),
        "moderations": entry.moderations.select_related("actor")[:10],
    }


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "commons/entry_detail.html", _entry_detail_context(request, pk))


def _entry_form_page(request: HttpRequest, entry=None) -> HttpResponse:
    if request.method == "POST":
        form = forms.EntryForm(request.POST)
    elif entry is not None:
        initial = {name: getattr(entry, name) for name in directory_services.ENTRY_FIELDS}
        initial["pioneers"] = ", ".join(str(p.pk) for p in entry.pioneers.all())
        initial["projects"] = ", ".join(p.slug for p in entry.projects.all())
        form = forms.EntryForm(initial=initial)
    else:
        form = forms.EntryForm()

    def run(data: dict):
        links = {"pioneer_ids": data["pioneers"], "project_ids": data["projects"]}
        if entry is None:
            return directory_services.entry_create(actor=request.user, data=data, **links)
        return directory_services.entry_update(actor=request.user, entry=entry, data=data, **links)

    return form_action(
        request,
        form,
        run,
        template="commons/entry_form.html",
        context={"entry": entry},
        success_url=lambda saved: reverse("commons:entry_detail", kwargs={"pk": saved.pk}),
        success_message=_("The entry is saved."),
        invalid_message=_("Check the form: it has errors."),
    )


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
    return form_action(
        request,
        forms.ReportForm(request.POST),
        lambda data: directory_services.entry_report(
            actor=request.user, entry=entry, reason=data["reason"], details=data["details"]
        ),
        template="commons/entry_detail.html",
        context=lambda: _entry_detail_context(request, pk),
        success_url=reverse("commons:directory"),
        success_message=_("Thank you: the report is recorded."),
        invalid_message=_("Choose a reason."),
        form_name="report_form",
    )


@rule_required("commons.moderate_entry")
@require_POST
def entry_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    return form_action(
        request,
        forms.ModerationForm(request.POST),
        lambda data: directory_services.entry_moderate(
            actor=request.user, entry=entry, action=data["action"], reason=data["reason"]
        ),
        template="commons/moderation.html",
        # The page again, this entry's form with its errors.
        context=lambda: {**_moderation_context(), "moderated_pk": entry.pk},
        success_url=reverse("commons:moderation"),
        success_message=_("The moderation decision is recorded."),
        invalid_message=_("Choose a decision and give its reason."),
        form_name="moderated_form",
    )


def _moderation_context() -> dict:
    return {
        "entries": selectors.entries_under_moderation()[:100],
        "moderation_form": forms.ModerationForm(),
    }


@rule_required("commons.moderate_entry")
def moderation(request: HttpRequest) -> HttpResponse:
    return render(request, "commons/moderation.html", _moderation_context())
