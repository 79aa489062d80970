"""HTML pages of the observatory: thin views over its selectors and services."""

import csv
import io
import json
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.core.forms import form_action
from backend.core.permissions import rule_required
from observatory import forms, selectors, services
from observatory.charts import bars, choropleth
from observatory.errors import ObservatoryError
from observatory.figures import EXPORT_FIELDS, figure_rows, parse_query
from observatory.models import Assessment, AssessmentStatus, Period, Respondent, Scale
from pioneers.models import Pioneer
from projects.models import Project
from territories.geometry import department_outlines, map_provenance

CHART_ROWS = 15


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    query = parse_query(request.GET)
    rows = figure_rows(query)
    map_rows = rows
    if query.scale != Scale.DEPARTMENT:
        map_rows = figure_rows(replace(query, scale=Scale.DEPARTMENT, within=""))
    view_box, outlines = department_outlines()
    return render(
        request,
        "observatory/index.html",
        {
            "query": query,
            "rows": rows,
            "map": choropleth(
                {r["territory"]: (r["territory_name"], r["value"]) for r in map_rows},
                outlines,
                selectors.department_names(),
            )
            | {"view_box": view_box, "provenance": map_provenance()},
            "chart": bars([(r["territory_name"], r["value"]) for r in rows[:CHART_ROWS]]),
            "overview": selectors.overview(query.grid),
            "periods": Period.choices,
            "scales": Scale.choices,
            "state": selectors.observatory_state(),
            "export_query": request.GET.urlencode(),
        },
    )


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    query = parse_query(request.GET)
    rows = figure_rows(query)
    if fmt == "json":
        state = selectors.observatory_state()
        body = {
            "refreshed_at": state.refreshed_at.isoformat()
            if state and state.refreshed_at
            else None,
            "results": rows,
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"observatoire-{query.indicator.code if query.indicator else 'vide'}-{query.scale}-{query.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def grid(request: HttpRequest) -> HttpResponse:
    query = parse_query(request.GET)
    return render(
        request,
        "observatory/grid.html",
        {
            "grid": query.grid,
            "indicators": query.indicators,
            "grids": list(selectors.grid_versions()),
        },
    )


@rule_required("observatory.publish_grid")
@require_http_methods(["GET", "POST"])
def grid_publish(request: HttpRequest) -> HttpResponse:
    """A new version of the grid, starting from the current one's indicators."""
    current = selectors.grid_current()
    form = forms.GridPublishForm(
        request.POST or None,
        initial_indicators=services.grid_indicator_specs(current) if current else None,
    )
    return form_action(
        request,
        form,
        lambda data: services.grid_publish(
            actor=request.user, indicators=data["indicators"], note=data["note"]
        ),
        template="observatory/grid_publish.html",
        context=lambda: {"grid": current, "grids": list(selectors.grid_versions())},
        success_url=reverse("observatory:grid"),
        success_message=lambda grid: _("%(grid)s is published.") % {"grid": grid},
        invalid_message=_("The new version is not published: correct the marked fields."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """The person's subjects (their pioneer profile, their projects) and their years."""
    pioneer = Pioneer.objects.filter(user=request.user).first()
    projects = list(Project.objects.filter(authors=request.user).order_by("title"))
    year = timezone.localdate().year
    if request.method == "POST":
        subject = request.POST.get("subject", "")
        try:
            if subject == "pioneer" and pioneer is not None:
                assessment = services.assessment_start(
                    actor=request.user, year=year, pioneer=pioneer
                )
            else:
                project = next(
                    (p for p in projects if str(p.pk) == subject.removeprefix("project-")), None
                )
                if project is None:
                    raise Http404
                assessment = services.assessment_start(
                    actor=request.user, year=year, project=project
                )
        except ObservatoryError as err:
            messages.error(request, err.message)
            return redirect("observatory:mine")
        return redirect("observatory:fill", pk=assessment.pk)
    return render(
        request,
        "observatory/mine.html",
        {
            "pioneer": pioneer,
            "projects": projects,
            "year": year,
            "assessments": list(selectors.assessments_of_user(request.user)),
        },
    )


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    try:
        return selectors.assessment_get(pk)
    except Assessment.DoesNotExist:
        raise Http404 from None


@rule_required("observatory.view_assessment", fn=lambda request, pk: _assessment(request, pk))
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    editable = request.user.has_perm("observatory.fill_assessment", assessment) and (
        assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
    )
    indicators = [i for i in assessment.grid.indicators.all() if i.respondent == Respondent.PIONEER]
    form_class, initial = forms.answers_form(
        indicators, selectors.assessment_answers(assessment), disabled=not editable
    )
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This self-assessment is already submitted."))
            return redirect("observatory:fill", pk=pk)
        if form.is_valid():
            try:
                services.assessment_answer(
                    actor=request.user,
                    assessment=assessment,
                    values=forms.values_from(form.cleaned_data),
                    submit="submit" in request.POST,
                )
            except ObservatoryError as err:
                form.add_error(None, err.message)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Sent to the coordinator for validation."))
                else:
                    messages.success(request, _("Your answers are saved."))
                return redirect("observatory:fill", pk=pk)
    return render(
        request,
        "observatory/fill.html",
        {"assessment": assessment, "form": form, "editable": editable},
    )


@rule_required("observatory.review_assessment")
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "observatory/review_list.html",
        {"assessments": list(selectors.assessments_to_review())},
    )


@rule_required("observatory.review_assessment")
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    indicators = list(assessment.grid.indicators.all())
    answers = selectors.assessment_answers(assessment)
    coordinator_indicators = [i for i in indicators if i.respondent == Respondent.COORDINATOR]
    form_class, initial = forms.answers_form(coordinator_indicators, answers)
    form = form_class(request.POST or None, initial=initial)
    review_form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and review_form.is_valid():
        try:
            services.assessment_review(
                actor=request.user,
                assessment=assessment,
                validate="validate" in request.POST,
                comment=review_form.cleaned_data["comment"],
                values=forms.values_from(form.cleaned_data),
            )
        except ObservatoryError as err:
            review_form.add_error(None, err.message)
        else:
            messages.success(request, _("The self-assessment is reviewed."))
            return redirect("observatory:review_list")
    return render(
        request,
        "observatory/review.html",
        {
            "assessment": assessment,
            "answers": [
                (i, answers.get(i.pk)) for i in indicators if i.respondent == Respondent.PIONEER
            ],
            "form": form,
            "review_form": review_form,
        },
    )


@rule_required("observatory.publish_grid")
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    from observatory.tasks import observatory_refresh_task

    observatory_refresh_task.delay()
    messages.success(request, _("The figures are being recomputed."))
    return redirect("observatory:index")
