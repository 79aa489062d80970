import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from observatory.models import Aggregate, Answer, Assessment, Indicator, Respondent
from observatory.services import (
    assessment_answer,
    assessment_review,
    assessment_start,
    grid_indicator_specs,
    grid_publish,
    observatory_refresh,
)
from tests.factories import ExchangeFactory, ListingFactory

YEAR = timezone.localdate().year
DIE, VALENCE, BRIANCON = "com-26113", "com-26362", "com-05023"


def _answers(grid, score: int) -> dict[int, int]:
    return {
        i.pk: min(score, i.scale_max)
        for i in grid.indicators.all()
        if i.respondent == Respondent.PIONEER
    }


def _validated(pioneer, grid, coordinator, score: int, year: int = YEAR) -> Assessment:
    assessment = assessment_start(actor=pioneer.user, year=year, pioneer=pioneer)
    assessment_answer(
        actor=pioneer.user, assessment=assessment, values=_answers(grid, score), submit=True
    )
    return assessment_review(actor=coordinator, assessment=assessment, validate=True)


def _figure(code: str, key: str, period: str = "all", grid=None) -> Aggregate | None:
    qs = Aggregate.objects.filter(indicator__code=code, territory_id=key, period=period)
    if grid is not None:
        qs = qs.filter(indicator__grid=grid)
    return qs.first()


def test_two_communes_add_up_to_their_department_and_region(grid, pioneer_in, coordinator):
    _validated(pioneer_in(DIE), grid, coordinator, 4)
    _validated(pioneer_in(DIE), grid, coordinator, 2)
    _validated(pioneer_in(VALENCE), grid, coordinator, 5)
    _validated(pioneer_in(BRIANCON), grid, coordinator, 1)  # another département and région
    ExchangeFactory(
        listing=ListingFactory(territory_id=DIE),
        minutes=90,
        status="confirmed",
        closed_at=timezone.now(),
    )
    ExchangeFactory(
        listing=ListingFactory(territory_id=VALENCE),
        minutes=30,
        status="confirmed",
        closed_at=timezone.now(),
    )
    observatory_refresh()

    die, valence = _figure("valeurs", DIE), _figure("valeurs", VALENCE)
    department, region = _figure("valeurs", "dep-26"), _figure("valeurs", "reg-84")
    assert (die.total, die.sources, die.value) == (6, 2, 3)
    assert (valence.total, valence.sources) == (5, 1)
    # A score's roll-up: totals and sources add up, the value is their mean.
    assert department.total == die.total + valence.total == region.total
    assert department.sources == die.sources + valence.sources == region.sources == 3
    assert department.value == pytest.approx(11 / 3)
    france = _figure("valeurs", "fr")
    assert (france.total, france.sources) == (12, 4)
    assert _figure("valeurs", "reg-93").total == 1
    # A counted indicator's roll-up is the sum.
    assert _figure("heures-donnees", DIE).value == 90
    assert _figure("heures-donnees", VALENCE).value == 30
    assert _figure("heures-donnees", "dep-26").value == 120
    assert _figure("heures-donnees", "reg-84").value == 120
    assert _figure("heures-donnees", "fr").value == 120
    # Every period is computed; this year's figures include this year's answers.
    assert _figure("valeurs", "dep-26", "year").sources == 3
    assert _figure("valeurs", "dep-26", "3y").sources == 3


def test_only_validated_answers_count(grid, pioneer_in, coordinator):
    pioneer = pioneer_in(DIE)
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    assessment_answer(
        actor=pioneer.user, assessment=assessment, values=_answers(grid, 5), submit=True
    )
    observatory_refresh()
    assert _figure("valeurs", DIE) is None
    assessment_review(actor=coordinator, assessment=assessment, validate=True)
    observatory_refresh()
    assert _figure("valeurs", DIE).value == 5


def test_a_grid_change_leaves_last_years_answers_and_figures_unchanged(
    grid, pioneer_in, coordinator
):
    pioneer = pioneer_in(DIE)
    last_year = _validated(pioneer, grid, coordinator, 3, year=YEAR - 1)
    observatory_refresh()
    answers_before = sorted(
        Answer.objects.filter(assessment=last_year).values_list("indicator_id", "value")
    )
    figures_before = sorted(
        Aggregate.objects.filter(indicator__grid=grid).values_list(
            "indicator__code", "territory_id", "period", "total", "sources", "value"
        )
    )
    specs = grid_indicator_specs(grid)
    for spec in specs:
        if spec["code"] == "valeurs":
            spec["scale_max"] = 10
            spec["definition"] = "Nouvelle définition, sur dix."
    specs.append(
        {
            "compass": "individual",
            "code": "joie",
            "name": "Joie d'agir",
            "definition": "Le plaisir pris à agir.",
            "respondent": "pioneer",
        }
    )
    new_grid = grid_publish(actor=coordinator, indicators=specs, note="v2")
    assert new_grid.number == grid.number + 1
    this_year = _validated(pioneer, new_grid, coordinator, 8)
    observatory_refresh()

    last_year.refresh_from_db()
    assert last_year.grid_id == grid.pk
    assert (
        sorted(Answer.objects.filter(assessment=last_year).values_list("indicator_id", "value"))
        == answers_before
    )
    assert Indicator.objects.get(grid=grid, code="valeurs").scale_max == 5
    figures_after = sorted(
        Aggregate.objects.filter(indicator__grid=grid).values_list(
            "indicator__code", "territory_id", "period", "total", "sources", "value"
        )
    )
    assert figures_after == figures_before
    assert this_year.grid_id == new_grid.pk
    assert _figure("valeurs", DIE, grid=new_grid).value == 8


def test_answers_outside_the_scale_are_refused_and_nothing_is_written(grid, pioneer_in):
    from observatory.errors import ObservatoryError

    pioneer = pioneer_in(DIE)
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    values = _answers(grid, 3)
    values[next(iter(values))] = 9
    with pytest.raises(ObservatoryError) as err:
        assessment_answer(actor=pioneer.user, assessment=assessment, values=values)
    assert err.value.code == "invalid_answers"
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_incomplete_answers_cannot_be_submitted(grid, pioneer_in):
    from observatory.errors import ObservatoryError

    pioneer = pioneer_in(DIE)
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    first = next(iter(_answers(grid, 3)))
    with pytest.raises(ObservatoryError) as err:
        assessment_answer(actor=pioneer.user, assessment=assessment, values={first: 3}, submit=True)
    assert err.value.code == "incomplete"
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_someone_else_cannot_fill_or_review(grid, pioneer_in, member):
    from observatory.errors import ObservatoryError

    pioneer = pioneer_in(DIE)
    with pytest.raises(ObservatoryError):
        assessment_start(actor=member, year=YEAR, pioneer=pioneer)
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    with pytest.raises(ObservatoryError):
        assessment_answer(actor=member, assessment=assessment, values=_answers(grid, 3))
    assert not Answer.objects.exists()
    assessment_answer(
        actor=pioneer.user, assessment=assessment, values=_answers(grid, 3), submit=True
    )
    with pytest.raises(ObservatoryError):
        assessment_review(actor=pioneer.user, assessment=assessment, validate=True)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


def test_returning_needs_a_comment_and_reopens_the_answers(grid, pioneer_in, coordinator):
    from observatory.errors import ObservatoryError

    pioneer = pioneer_in(DIE)
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    assessment_answer(
        actor=pioneer.user, assessment=assessment, values=_answers(grid, 3), submit=True
    )
    with pytest.raises(ObservatoryError):
        assessment_review(actor=coordinator, assessment=assessment, validate=False)
    returned = assessment_review(
        actor=coordinator, assessment=assessment, validate=False, comment="Précisez."
    )
    assert returned.status == "returned"
    assessment_answer(actor=pioneer.user, assessment=assessment, values=_answers(grid, 4))


def test_visitors_never_see_an_unvalidated_self_assessment(grid, pioneer_in, coordinator, client):
    pioneer = pioneer_in(DIE, display_name="Inès Pionnière")
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    assessment_answer(
        actor=pioneer.user, assessment=assessment, values=_answers(grid, 4), submit=True
    )
    observatory_refresh()
    page = client.get(reverse("pioneers:detail", args=[pioneer.pk])).content.decode()
    assert "compass-chart" not in page
    api = client.get(reverse("api:observatory"), {"indicator": "valeurs", "scale": "commune"})
    assert api.json()["count"] == 0
    obs = client.get(reverse("observatory:index"), {"indicator": "valeurs", "scale": "commune"})
    assert obs.context["rows"] == []
    # Its owner sees it, with its status.
    client.force_login(pioneer.user)
    page = client.get(reverse("pioneers:detail", args=[pioneer.pk])).content.decode()
    assert "compass-chart" in page
    client.logout()
    assessment_review(actor=coordinator, assessment=assessment, validate=True)
    observatory_refresh()
    page = client.get(reverse("pioneers:detail", args=[pioneer.pk])).content.decode()
    assert "compass-chart" in page
    assert "<table" in page
    api = client.get(reverse("api:observatory"), {"indicator": "valeurs", "scale": "commune"})
    assert api.json()["results"][0]["value"] == 4


def test_the_validation_refreshes_the_figures_after_commit(
    grid, pioneer_in, coordinator, django_capture_on_commit_callbacks
):
    pioneer = pioneer_in(DIE)
    assessment = assessment_start(actor=pioneer.user, year=YEAR, pioneer=pioneer)
    assessment_answer(
        actor=pioneer.user, assessment=assessment, values=_answers(grid, 2), submit=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_review(actor=coordinator, assessment=assessment, validate=True)
    assert _figure("valeurs", "dep-26").value == 2


def _seed(grid, pioneer_in, coordinator):
    for key, score in ((DIE, 3), (VALENCE, 5), (BRIANCON, 1)):
        _validated(pioneer_in(key), grid, coordinator, score)
    observatory_refresh()


def test_exports_equal_the_page(grid, pioneer_in, coordinator, client):
    _seed(grid, pioneer_in, coordinator)
    params = {"indicator": "valeurs", "scale": "commune", "period": "all"}
    page = client.get(reverse("observatory:index"), params)
    page_rows = [(r["territory"], r["value"], r["sources"]) for r in page.context["rows"]]
    assert len(page_rows) == 3
    html = page.content.decode()
    for key, _value, _sources in page_rows:
        assert reverse("territories:detail", args=[key]) in html
    exported = client.get(reverse("observatory:export_csv"), params).content.decode()
    csv_rows = [
        (r["territory"], float(r["value"]), int(r["sources"]))
        for r in csv.DictReader(io.StringIO(exported))
    ]
    assert csv_rows == page_rows
    as_json = json.loads(client.get(reverse("observatory:export_json"), params).content)
    assert [(r["territory"], r["value"], r["sources"]) for r in as_json["results"]] == page_rows
    api = client.get(reverse("api:observatory"), params).json()
    assert [(r["territory"], r["value"], r["sources"]) for r in api["results"]] == page_rows


def test_the_api_refuses_unknown_parameters(grid, client):
    for params in ({"scale": "planet"}, {"period": "week"}, {"indicator": "nope"}, {"grid": "x"}):
        response = client.get(reverse("api:observatory"), params)
        assert response.status_code == 400
        assert response.json()["code"]


def test_the_page_is_bounded_and_shows_the_refresh_time(
    grid, pioneer_in, coordinator, client, django_assert_max_num_queries
):
    _seed(grid, pioneer_in, coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("observatory:index"), {"scale": "department"})
    assert response.status_code == 200
    assert response.context["state"].refreshed_at is not None
    assert "data-refreshed=" in response.content.decode()


def test_pages_of_the_journey_answer(
    grid, pioneer_in, coordinator, client, django_capture_on_commit_callbacks
):
    pioneer = pioneer_in(DIE)
    client.force_login(pioneer.user)
    response = client.post(reverse("observatory:mine"), {"subject": "pioneer"})
    assessment = Assessment.objects.get(pioneer=pioneer)
    assert response.url == reverse("observatory:fill", args=[assessment.pk])
    data = {f"i{pk}": value for pk, value in _answers(grid, 4).items()}
    response = client.post(
        reverse("observatory:fill", args=[assessment.pk]), {**data, "submit": ""}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    client.force_login(coordinator)
    assert client.get(reverse("observatory:review_list")).status_code == 200
    essaimage = Indicator.objects.get(grid=grid, code="essaimage")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("observatory:review", args=[assessment.pk]),
            {f"i{essaimage.pk}": "2", "comment": "Bravo", "validate": ""},
        )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "validated"
    assert Answer.objects.get(assessment=assessment, indicator=essaimage).value == 2
    assert _figure("valeurs", "fr").value == 4  # the task ran (eager) after the commit


def test_the_compass_score_changes_nothing_in_the_ranking_at_weight_zero(
    grid, coordinator, member, project_assessed
):
    from projects.services.ranking import ranking_compute, ranking_publish

    low = project_assessed(0, "Projet Bas")
    high = project_assessed(5, "Projet Haut")
    weights = {"weight_concern": 1, "weight_cost": 1, "weight_self_financing": 1}
    before = ranking_compute(**weights)
    with_zero = ranking_compute(**weights, extra_weights={"compass": 0})
    assert with_zero == before
    assert all("compass" not in item.criteria for item in with_zero)
    # Same cost and no concern: the two projects tie without the compass score…
    assert {item.project_id: item.rank for item in before} == {low.pk: 1, high.pk: 1}
    # …and the better-assessed one comes first once the criterion weighs something.
    weighed = ranking_compute(**weights, extra_weights={"compass": 2})
    assert [item.project_id for item in weighed] == [high.pk, low.pk]
    assert weighed[0].criteria["compass"].value == 1.0
    snapshot = ranking_publish(actor=coordinator, **weights, extra_weights={"compass": 0})
    assert snapshot.extra_weights == {}
    snapshot = ranking_publish(actor=coordinator, **weights, extra_weights={"compass": 2})
    assert snapshot.extra_weights == {"compass": 2}


def test_the_map_shades_each_departement_by_its_figure(grid, pioneer_in, coordinator, client):
    _seed(grid, pioneer_in, coordinator)  # Die 3 and Valence 5 (Drôme: mean 4), Briançon 1
    response = client.get(reverse("observatory:index"), {"indicator": "valeurs"})
    shapes = {s.key: s for s in response.context["map"]["shapes"]}
    assert len(shapes) == 96  # every metropolitan département has its outline
    assert shapes["dep-26"].value == 4
    assert shapes["dep-26"].level == 5
    assert shapes["dep-05"].value == 1
    assert shapes["dep-05"].level == 2
    assert shapes["dep-75"].value is None
    assert shapes["dep-75"].level == 0
    assert shapes["dep-2A"].label == "Corse-du-Sud"
    html = response.content.decode()
    assert 'class="choropleth"' in html
    assert f'data-key="dep-26" data-level="5" fill="{shapes["dep-26"].fill}"' in html
    assert "CC BY 4.0" in html
