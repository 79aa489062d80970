"""Publishing a new indicator grid version from the coordinator's page and the API:
past answers and figures never change."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from observatory.models import Aggregate, Answer, GridVersion, Indicator, Respondent
from observatory.services import (
    assessment_answer,
    assessment_review,
    assessment_start,
    grid_indicator_specs,
    observatory_refresh,
)

YEAR = timezone.localdate().year
DIE = "com-26113"


def _validated_last_year(pioneer, grid, coordinator):
    assessment = assessment_start(actor=pioneer.user, year=YEAR - 1, pioneer=pioneer)
    values = {i.pk: 3 for i in grid.indicators.all() if i.respondent == Respondent.PIONEER}
    assessment_answer(actor=pioneer.user, assessment=assessment, values=values, submit=True)
    assessment_review(actor=coordinator, assessment=assessment, validate=True)
    observatory_refresh()
    return assessment


def _past(grid):
    answers = sorted(Answer.objects.values_list("pk", "indicator_id", "value"))
    figures = sorted(
        Aggregate.objects.filter(indicator__grid=grid).values_list(
            "indicator__code", "territory_id", "scale", "period", "value", "sources"
        )
    )
    indicators = sorted(
        Indicator.objects.filter(grid=grid).values_list(
            "code", "name", "definition", "unit", "scale_min", "scale_max", "respondent"
        )
    )
    return answers, figures, indicators


def _formset(specs, *, extra=None, remove=(), changes=None, note="v2"):
    """The page's POST data: every indicator of ``specs`` (changed as asked)."""
    data = {"note": note, "ind-INITIAL_FORMS": len(specs), "ind-MIN_NUM_FORMS": 1,
            "ind-MAX_NUM_FORMS": 60}  # fmt: skip
    rows = list(specs) + ([extra] if extra else [])
    data["ind-TOTAL_FORMS"] = len(rows)
    for n, spec in enumerate(rows):
        spec = {**spec, **(changes or {}).get(spec["code"], {})}
        for name in ("compass", "code", "name", "definition", "unit", "scale_min",
                     "scale_max", "direction", "respondent", "source", "formula"):  # fmt: skip
            data[f"ind-{n}-{name}"] = spec.get(name, "")
        if spec["code"] in remove:
            data[f"ind-{n}-DELETE"] = "on"
    return data


NEW = {
    "compass": "societal",
    "code": "biodiversite",
    "name": "Biodiversité",
    "definition": "Ce que la solution apporte au vivant.",
    "unit": "scale",
    "scale_min": 0,
    "scale_max": 10,
    "direction": "up",
    "respondent": "pioneer",
}


def test_the_page_publishes_a_new_version_and_the_past_stays(grid, pioneer_in, coordinator, client):
    _validated_last_year(pioneer_in(DIE), grid, coordinator)
    before = _past(grid)
    client.force_login(coordinator)
    page = client.get(reverse("observatory:grid_publish"))
    assert page.status_code == 200
    specs = grid_indicator_specs(grid)
    assert page.context["form"].indicators.initial == specs  # starts from the current one
    response = client.post(
        reverse("observatory:grid_publish"),
        _formset(
            specs,
            extra=NEW,
            remove={"aspirations"},
            changes={"valeurs": {"scale_max": 10, "definition": "Redéfinie."}},
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    new = GridVersion.objects.get(number=grid.number + 1)
    codes = set(new.indicators.values_list("code", flat=True))
    assert "biodiversite" in codes
    assert "aspirations" not in codes
    assert new.indicators.get(code="valeurs").scale_max == 10
    assert new.note == "v2"
    assert new.created_by == coordinator
    observatory_refresh()
    assert _past(grid) == before  # answers, figures and indicators of version 1 unchanged
    assert client.get(reverse("observatory:grid")).status_code == 200


def test_an_invalid_version_is_refused_with_its_errors_and_nothing_is_published(
    grid, coordinator, client
):
    client.force_login(coordinator)
    specs = grid_indicator_specs(grid)
    bad = _formset(specs, changes={"valeurs": {"scale_min": 5, "scale_max": 2}})
    response = client.post(reverse("observatory:grid_publish"), bad)
    assert response.status_code == 400
    form = response.context["form"]
    assert any("scale_max" in sub.errors for sub in form.indicators.forms)
    twice = _formset(specs, extra={**NEW, "code": "valeurs"})
    response = client.post(reverse("observatory:grid_publish"), twice)
    assert response.status_code == 400
    assert "valeurs" in str(response.context["form"].non_field_errors())
    computed = _formset(specs, extra={**NEW, "respondent": "computed", "source": ""})
    assert client.post(reverse("observatory:grid_publish"), computed).status_code == 400
    assert GridVersion.objects.count() == 1


def test_only_a_coordinator_opens_the_publish_page(grid, member, client):
    client.force_login(member)
    assert client.get(reverse("observatory:grid_publish")).status_code == 403
    assert client.post(reverse("observatory:grid_publish"), {"note": "x"}).status_code == 403
    assert GridVersion.objects.count() == 1


def test_the_api_lists_versions_and_publishes_one(
    grid, pioneer_in, coordinator, member, django_assert_max_num_queries
):
    _validated_last_year(pioneer_in(DIE), grid, coordinator)
    before = _past(grid)
    body = {"note": "v2", "indicators": [*grid_indicator_specs(grid)[1:], NEW]}
    api = APIClient()
    api.force_authenticate(member)
    refused = api.post(reverse("api:observatory-grids"), body, format="json")
    assert refused.status_code == 403
    api.force_authenticate(coordinator)
    created = api.post(reverse("api:observatory-grids"), body, format="json",
                       HTTP_IDEMPOTENCY_KEY="grid-v2")  # fmt: skip
    assert created.status_code == 201, created.json()
    assert created.json()["number"] == grid.number + 1
    assert "biodiversite" in {i["code"] for i in created.json()["indicators"]}
    again = api.post(reverse("api:observatory-grids"), body, format="json",
                     HTTP_IDEMPOTENCY_KEY="grid-v2")  # fmt: skip
    assert again.json() == created.json()
    assert GridVersion.objects.count() == 2
    invalid = api.post(
        reverse("api:observatory-grids"),
        {"note": "v3", "indicators": [{**NEW, "scale_min": 4, "scale_max": 4}]},
        format="json",
    )
    assert invalid.status_code == 400
    assert GridVersion.objects.count() == 2
    observatory_refresh()
    assert _past(grid) == before
    with django_assert_max_num_queries(4):
        listed = APIClient().get(reverse("api:observatory-grids"))
    assert [g["number"] for g in listed.json()["results"]] == [2, 1]
    assert len(listed.json()["results"][1]["indicators"]) == grid.indicators.count()


@pytest.mark.parametrize("field", ["code", "name", "definition"])
def test_the_service_refuses_an_indicator_without_its_text(grid, coordinator, field):
    from observatory.errors import ObservatoryError
    from observatory.services import grid_publish

    specs = grid_indicator_specs(grid)
    specs[0][field] = " "
    with pytest.raises(ObservatoryError) as refused:
        grid_publish(actor=coordinator, indicators=specs, note="x")
    assert "indicators.0" in refused.value.errors
    assert GridVersion.objects.count() == 1
