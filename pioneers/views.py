import csv

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.core.forms import ActionPage, form_action
from backend.core.panels import page_panels
from backend.core.permissions import coordinator_required
from pioneers import forms, selectors, services
from pioneers.models import Application, ApplicationStatus, Criterion, ImportJob, Pioneer
from pioneers.visibility import can_see, pioneer_card, pioneer_cards, viewer_for

PAGE_SIZE = 20


# ---------------------------------------------------------------- directory and map


def _directory_filters(form: forms.DirectoryFilterForm) -> selectors.DirectoryFilters:
    if not form.is_valid():
        return selectors.DirectoryFilters()
    data = form.cleaned_data
    lat = lon = km = None
    if data["near"] and data["near"] in forms.communes():
        lat, lon, _postcode = forms.communes()[data["near"]]
        km = float(data["radius_km"] or 50)
    return selectors.DirectoryFilters(
        q=data["q"],
        theme=data["theme"].slug if data["theme"] else "",
        skill=data["skill"].slug if data["skill"] else "",
        commune=data["commune"],
        department=data["department"],
        lat=lat,
        lon=lon,
        km=km,
    )


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = forms.DirectoryFilterForm(request.GET or None, viewer=viewer)
    qs = selectors.pioneer_directory(viewer=viewer, filters=_directory_filters(form))
    if request.GET.get("format") == "csv":
        return _directory_csv(viewer, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = pioneer_cards(viewer, page)
    for card, pioneer in zip(cards, page, strict=True):
        if getattr(pioneer, "distance_km", None) is not None:
            card["distance_km"] = round(pioneer.distance_km)
    return render(
        request,
        "pioneers/directory.html",
        {"form": form, "page": page, "cards": cards, "viewer": viewer},
    )


def _directory_csv(viewer, qs) -> HttpResponse:
    """The directory as CSV, through the same visibility layer as the pages."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pionniers.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    columns = [
        ("display_name", _("Name")),
        ("solution_title", _("Solution")),
        ("solution_description", _("Description")),
        ("commune", _("Commune")),
        ("postcode", _("Postcode")),
        ("latitude", _("Latitude")),
        ("longitude", _("Longitude")),
        ("video_url", _("Video")),
        ("website_url", _("Website")),
        ("contact_email", _("Contact e-mail")),
        ("themes", _("Themes")),
        ("skills", _("Skills")),
    ]
    writer.writerow([label for _key, label in columns])
    paginator = Paginator(qs, 500)
    for number in paginator.page_range:
        for card in pioneer_cards(viewer, paginator.page(number)):
            row = []
            for key, _label in columns:
                value = card.get(key, "")
                if key == "themes":
                    value = ", ".join(t["label"] for t in value)
                elif key == "skills" and value:
                    value = ", ".join(s["name"] for s in value)
                row.append("" if value is None else value)
            writer.writerow(row)
    return response


@require_GET
def pioneer_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pioneers/map.html",
        {"tiles_url": settings.TERREAU_MAP_TILES_URL},
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pioneer = selectors.pioneer_get(pioneer_id=pk)
    except Pioneer.DoesNotExist:
        raise Http404 from None
    viewer = viewer_for(request.user)
    return render(
        request,
        "pioneers/detail.html",
        {
            "card": pioneer_card(viewer, pioneer),
            "viewer": viewer,
            "sections": page_panels("pioneers:detail:sections", request, pioneer),
            "panels": page_panels("pioneers:detail", request, pioneer),
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a photo only to whom its owner shows it."""
    pioneer = get_object_or_404(
        Pioneer.objects.only("id", "user_id", "photo", "photo_visibility"), pk=pk
    )
    viewer = viewer_for(request.user)
    if not pioneer.photo or not can_see(
        viewer, visibility=pioneer.photo_visibility, owner_id=pioneer.user_id
    ):
        raise Http404
    try:
        handle = pioneer.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = (
        "public, max-age=86400" if pioneer.photo_visibility == 0 else "private, max-age=3600"
    )
    return response


# ---------------------------------------------------------------- my profile


def _profile_initial(pioneer: Pioneer) -> dict:
    initial = {
        name: getattr(pioneer, name)
        for name in (
            "display_name",
            "solution_title",
            "solution_description",
            "video_url",
            "website_url",
            "commune",
            "postcode",
            "latitude",
            "longitude",
            "contact_email",
            "photo_visibility",
            "description_visibility",
            "links_visibility",
            "location_visibility",
            "position_visibility",
            "skills_visibility",
            "contact_visibility",
        )
    }
    initial["themes"] = list(pioneer.themes.all())
    initial["skills"] = ", ".join(s.name for s in pioneer.skills.all())
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    pioneer = selectors.pioneer_of(request.user)
    if pioneer is None:
        return render(
            request,
            "pioneers/no_profile.html",
            {"application": selectors.application_open_of(request.user)},
        )
    context = lambda: {  # noqa: E731
        "pioneer": pioneer,
        "card": pioneer_card(viewer_for(request.user), pioneer),
    }
    if request.POST.get("remove_photo"):
        return form_action(
            request,
            django_forms.Form(request.POST),
            lambda data: services.pioneer_photo_remove(actor=request.user, pioneer=pioneer),
            template="pioneers/me.html",
            context=lambda: {
                **context(),
                "form": forms.ProfileForm(initial=_profile_initial(pioneer)),
            },
            success_url=reverse("pioneers:me"),
            success_message=_("Your photo was removed."),
            form_name="remove_photo_form",
        )
    form = forms.ProfileForm(
        request.POST or None, request.FILES or None, initial=_profile_initial(pioneer)
    )

    def run(data: dict) -> None:
        services.pioneer_update(actor=request.user, pioneer=pioneer, **form.service_kwargs())
        if data.get("photo"):
            services.pioneer_photo_set(actor=request.user, pioneer=pioneer, upload=data["photo"])

    return form_action(
        request,
        form,
        run,
        template="pioneers/me.html",
        context=context,
        success_url=reverse("pioneers:me"),
        success_message=_("Your profile is up to date."),
        invalid_message=_("Check the form: it has errors."),
    )


# ---------------------------------------------------------------- admission


def _application_initial(application: Application | None) -> dict | None:
    if application is None:
        return None
    initial = {
        name: getattr(application, name)
        for name in (
            "display_name",
            "solution_title",
            "solution_description",
            "motivation",
            "commune",
            "postcode",
            "video_url",
            "website_url",
        )
    }
    initial["themes"] = list(application.themes.all())
    return initial


@require_http_methods(["GET", "POST"])
def become(request: HttpRequest) -> HttpResponse:
    """« Devenir pionnier »: the criteria and their scales, and the application form."""
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    application = selectors.application_open_of(user)
    pioneer = selectors.pioneer_of(user)
    context = {
        "criteria": selectors.criteria_with_levels(),
        "application": application,
        "pioneer": pioneer,
        "past": selectors.applications_of(user).exclude(status__in=["submitted", "more_info"])
        if user.is_authenticated
        else [],
    }
    if not user.is_authenticated or pioneer is not None:
        return render(request, "pioneers/become.html", {**context, "form": None})
    initial = _application_initial(application) or {"display_name": user.display_name}
    form = forms.ApplicationForm(request.POST or None, initial=initial)

    def run(data: dict) -> None:
        data = {**data, "themes": list(data["themes"])}
        if application is not None:
            services.application_update(user=user, application=application, **data)
        else:
            services.application_submit(user=user, **data)

    return form_action(
        request,
        form,
        run,
        template="pioneers/become.html",
        context=context,
        success_url=reverse("pioneers:become"),
        success_message=_("Your application was updated.")
        if application is not None
        else _("Thank you! Your application has been sent to the jury."),
        invalid_message=_("Check the form: it has errors."),
    )


def _juror_required(request: HttpRequest) -> None:
    if not request.user.has_perm("pioneers.view_application"):
        raise PermissionDenied


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    _juror_required(request)
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    page = Paginator(selectors.application_list(status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "pioneers/applications.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices},
    )


def _score_form_rows(sheet) -> list[dict]:
    rows = []
    for row in sheet.rows:
        rows.append(
            {
                "row": row,
                "field": f"score-{row.criterion.slug}",
                "note_field": f"note-{row.criterion.slug}",
                "current": row.mine.value if row.mine else None,
                "note": row.mine.note if row.mine else "",
            }
        )
    return rows


def _application_detail_context(request: HttpRequest, pk: int) -> dict:
    application = get_object_or_404(
        Application.objects.select_related("user").prefetch_related("themes"), pk=pk
    )
    sheet = selectors.application_score_sheet(application=application, user=request.user)
    return {
        "application": application,
        "sheet": sheet,
        "score_rows": _score_form_rows(sheet),
        "decisions": application.decisions.select_related("actor"),
        "decision_form": forms.DecisionForm(),
        "can_decide": request.user.has_perm("pioneers.decide_application"),
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _juror_required(request)
    return render(
        request, "pioneers/application_detail.html", _application_detail_context(request, pk)
    )


def _application_page(request: HttpRequest, pk: int) -> ActionPage:
    """An application's page, where the scores and the decision post."""
    return ActionPage(
        template="pioneers/application_detail.html",
        context=lambda: _application_detail_context(request, pk),
        url=reverse("pioneers:application_detail", kwargs={"pk": pk}),
    )


def _form_error_text(form) -> str:
    """The form's errors as one message (each after its field's label)."""
    texts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        texts += [f"{label} : {error}" if label else error for error in errors]
    return " ".join(str(text) for text in texts)


@login_required
@require_POST
def application_score(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("pioneers.score_application"):
        raise PermissionDenied
    application = get_object_or_404(Application, pk=pk)
    form = forms.ScoresForm(request.POST, criteria=Criterion.objects.filter(is_active=True))
    return _application_page(request, pk).act(
        request,
        form,
        lambda data: services.application_scores_save(
            scorer=request.user, application=application, scores=data["scores"]
        ),
        success=_("Your scores were recorded."),
        invalid=_form_error_text,
        form_name="scores_form",
    )


@coordinator_required
@require_POST
def application_decision(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)

    def success(result) -> str:
        if result.notice:
            messages.info(request, result.notice)
        return _("The decision was recorded and e-mailed to the candidate.")

    return _application_page(request, pk).act(
        request,
        forms.DecisionForm(request.POST),
        lambda data: services.application_decide(
            actor=request.user, application=application, **data
        ),
        success=success,
        invalid=_form_error_text,
        form_name="decision_form",
    )


# ---------------------------------------------------------------- import


@coordinator_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    return form_action(
        request,
        forms.ImportForm(request.POST or None, request.FILES or None),
        lambda data: services.import_job_create(
            actor=request.user, upload=data["file"], dry_run=data["dry_run"]
        ),
        template="pioneers/import.html",
        context=lambda: {"jobs": ImportJob.objects.select_related("created_by")[:20]},
        success_url=lambda job: reverse("pioneers:import_detail", kwargs={"pk": job.pk}),
        success_message=_("The file was received; its import has started."),
        invalid_message=_("Check the form: it has errors."),
    )


@coordinator_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    template = "pioneers/_import_progress.html" if request.htmx else "pioneers/import_detail.html"
    return render(request, template, {"job": job})
