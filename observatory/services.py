"""Every write of the observatory: grid versions, yearly self-assessments and their
review, and the refresh of the aggregates."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.locks import lock_row, lock_rows
from backend.core.services import audit_record
from observatory.aggregation import roll_up
from observatory.computed import SLOT_SOURCES, computed_source
from observatory.errors import ObservatoryError
from observatory.models import (
    Aggregate,
    Answer,
    Assessment,
    AssessmentStatus,
    Compass,
    Direction,
    GridVersion,
    Indicator,
    ObservatoryState,
    Period,
    Respondent,
    Unit,
)
from pioneers.models import Pioneer
from projects.models import Project
from territories.models import Territory, TerritoryKind

INDICATOR_FIELDS = (
    "compass",
    "code",
    "name",
    "definition",
    "unit",
    "scale_min",
    "scale_max",
    "direction",
    "respondent",
    "source",
    "formula",
    "position",
)


def _enqueue_refresh() -> None:
    from observatory.tasks import observatory_refresh_task

    observatory_refresh_task.delay()


def _refresh_after_commit() -> None:
    """One refresh after the transaction commits, however many changes it holds."""
    connection = transaction.get_connection()
    if not any(entry[1] is _enqueue_refresh for entry in connection.run_on_commit):
        transaction.on_commit(_enqueue_refresh)


def _indicator_errors(data: Mapping[str, Any]) -> list[str]:
    """What is wrong with one indicator of a grid to publish (empty when it is valid)."""
    errors = []
    for name, label in (
        ("code", _("a code")),
        ("name", _("a name")),
        ("definition", _("a definition")),
    ):
        if not str(data.get(name) or "").strip():
            errors.append(_("It needs %(what)s.") % {"what": label})
    choices = (
        ("compass", Compass.values),
        ("unit", Unit.values),
        ("direction", Direction.values),
        ("respondent", Respondent.values),
    )
    for name, values in choices:
        if name in data and data[name] not in values:
            errors.append(_("Unknown value « %(value)s ».") % {"value": data[name]})
    low, high = data.get("scale_min", 0), data.get("scale_max", 5)
    # The table's check holds for every unit (a count keeps the default 0..5).
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high):
        errors.append(_("The highest score must be above the lowest."))
    if data.get("respondent") == Respondent.COMPUTED:
        source = data.get("source", "")
        if not computed_source(source) and source not in SLOT_SOURCES:
            errors.append(_("Unknown computed source « %(source)s ».") % {"source": source or "—"})
    return errors


@transaction.atomic
def grid_publish(*, actor, indicators: Iterable[Mapping[str, Any]], note: str = "") -> GridVersion:
    """A new grid version with these indicators; earlier versions and the answers given
    under them stay as they are."""
    if not actor.has_perm("observatory.publish_grid"):
        raise ObservatoryError(
            _("Only a coordinator may publish the grid."), code="forbidden", status_code=403
        )
    specs = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for position, spec in enumerate(indicators):
        data = {name: spec[name] for name in INDICATOR_FIELDS if name in spec}
        data.setdefault("position", position)
        if data.get("respondent") != Respondent.COMPUTED:
            data["source"] = ""
        problems = _indicator_errors(data)
        code = str(data.get("code") or "")
        if code and code in seen:
            problems.append(_("The code « %(code)s » is used twice.") % {"code": code})
        seen.add(code)
        if problems:
            errors[f"indicators.{position}"] = problems
        specs.append(data)
    if not specs:
        raise ObservatoryError(_("A grid needs at least one indicator."), code="invalid_grid")
    if errors:
        raise ObservatoryError(
            _("Some indicators are not valid: nothing was published."),
            code="invalid_grid",
            errors=errors,
        )
    lock_rows(GridVersion)
    number = (GridVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    grid = GridVersion.objects.create(number=number, note=note, created_by=actor)
    Indicator.objects.bulk_create(Indicator(grid=grid, **data) for data in specs)
    audit_record(
        actor=actor, action="observatory.grid_publish", target=grid, data={"indicators": len(specs)}
    )
    _refresh_after_commit()
    return grid


def grid_indicator_specs(grid: GridVersion) -> list[dict[str, Any]]:
    """A grid's indicators as the dicts ``grid_publish`` takes (to copy and change them)."""
    return [{name: getattr(i, name) for name in INDICATOR_FIELDS} for i in grid.indicators.all()]


def _current_grid() -> GridVersion:
    grid = GridVersion.objects.order_by("-number").first()
    if grid is None:
        raise ObservatoryError(
            _("No indicator grid is published yet."), code="no_grid", status_code=409
        )
    return grid


def _subject_owner(user, *, pioneer: Pioneer | None, project: Project | None) -> bool:
    if pioneer is not None:
        return pioneer.user_id is not None and pioneer.user_id == user.pk
    return project.authors.filter(pk=user.pk).exists()


@transaction.atomic
def assessment_start(
    *, actor, year: int, pioneer: Pioneer | None = None, project: Project | None = None
) -> Assessment:
    """The year's self-assessment of the pioneer's solution or of the project (created
    on the current grid when missing; the existing one otherwise)."""
    if (pioneer is None) == (project is None):
        raise ObservatoryError(_("Assess either a pioneer or a project."), code="invalid_subject")
    if not _subject_owner(actor, pioneer=pioneer, project=project):
        raise ObservatoryError(
            _("Only the pioneer or the project's authors fill its compasses."),
            code="forbidden",
            status_code=403,
        )
    this_year = timezone.localdate().year
    if not (2000 <= year <= this_year):
        raise ObservatoryError(_("Choose this year or a past year."), code="invalid_year")
    subject = {"pioneer": pioneer} if pioneer is not None else {"project": project}
    existing = Assessment.objects.filter(year=year, **subject).first()
    if existing is not None:
        return existing
    assessment, created = Assessment.objects.get_or_create(
        year=year, **subject, defaults={"grid": _current_grid()}
    )
    if created:
        audit_record(actor=actor, action="observatory.assessment_start", target=assessment)
    return assessment


def _check_values(
    indicators: Iterable[Indicator], values: Mapping[int, Any], respondent: str
) -> dict[int, int]:
    clean, errors = {}, {}
    for indicator in indicators:
        if indicator.respondent != respondent or indicator.pk not in values:
            continue
        raw = values[indicator.pk]
        if raw in (None, ""):
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[indicator.code] = [_("Give a whole number.")]
            continue
        if indicator.unit == Unit.SCALE and not (
            indicator.scale_min <= value <= indicator.scale_max
        ):
            errors[indicator.code] = [
                _("Give a score from %(low)d to %(high)d.")
                % {"low": indicator.scale_min, "high": indicator.scale_max}
            ]
            continue
        if value < 0:
            errors[indicator.code] = [_("Give a positive number.")]
            continue
        clean[indicator.pk] = value
    if errors:
        raise ObservatoryError(
            _("Some answers are not valid."), code="invalid_answers", errors=errors
        )
    return clean


def _write_answers(assessment: Assessment, clean: Mapping[int, int]) -> None:
    existing = {a.indicator_id: a for a in assessment.answers.all()}
    new, changed = [], []
    for indicator_id, value in clean.items():
        answer = existing.get(indicator_id)
        if answer is None:
            new.append(Answer(assessment=assessment, indicator_id=indicator_id, value=value))
        elif answer.value != value:
            answer.value = value
            changed.append(answer)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["value"])


@transaction.atomic
def assessment_answer(
    *, actor, assessment: Assessment, values: Mapping[int, Any], submit: bool = False
) -> Assessment:
    """Save the pioneer's answers (a draft, or one returned with a comment); ``submit``
    sends it to the coordinator, once every pioneer-answered indicator has an answer."""
    assessment = lock_row(Assessment, assessment.pk)
    if not actor.has_perm("observatory.fill_assessment", assessment):
        raise ObservatoryError(
            _("Only the pioneer or the project's authors fill its compasses."),
            code="forbidden",
            status_code=403,
        )
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED):
        raise ObservatoryError(
            _("This self-assessment is already submitted."), code="not_editable", status_code=409
        )
    indicators = list(assessment.grid.indicators.all())
    clean = _check_values(indicators, values, Respondent.PIONEER)
    _write_answers(assessment, clean)
    if submit:
        answered = set(assessment.answers.values_list("indicator_id", flat=True))
        missing = [
            i.name
            for i in indicators
            if i.respondent == Respondent.PIONEER and i.pk not in answered
        ]
        if missing:
            raise ObservatoryError(
                _("Answer every indicator before sending: %(names)s.")
                % {"names": ", ".join(missing)},
                code="incomplete",
            )
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_by = actor
        assessment.submitted_at = timezone.now()
    assessment.save()
    audit_record(
        actor=actor,
        action="observatory.assessment_submit" if submit else "observatory.assessment_answer",
        target=assessment,
        data={"answers": len(clean)},
    )
    return assessment


@transaction.atomic
def assessment_review(
    *,
    actor,
    assessment: Assessment,
    validate: bool,
    comment: str = "",
    values: Mapping[int, Any] | None = None,
) -> Assessment:
    """The coordinator validates a submitted self-assessment (adding the indicators the
    coordinator answers) or returns it with a comment. Only validated ones are public."""
    if not actor.has_perm("observatory.review_assessment"):
        raise ObservatoryError(
            _("Only a coordinator reviews self-assessments."), code="forbidden", status_code=403
        )
    assessment = lock_row(Assessment, assessment.pk)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ObservatoryError(
            _("Only a submitted self-assessment can be reviewed."),
            code="not_submitted",
            status_code=409,
        )
    comment = (comment or "").strip()
    if not validate and not comment:
        raise ObservatoryError(_("Say what to change when returning it."), code="comment_required")
    if validate:
        clean = _check_values(
            assessment.grid.indicators.all(), values or {}, Respondent.COORDINATOR
        )
        _write_answers(assessment, clean)
    assessment.status = AssessmentStatus.VALIDATED if validate else AssessmentStatus.RETURNED
    assessment.reviewed_by = actor
    assessment.reviewed_at = timezone.now()
    assessment.comment = comment
    assessment.save()
    audit_record(
        actor=actor,
        action="observatory.assessment_validate" if validate else "observatory.assessment_return",
        target=assessment,
        data={"comment": comment},
    )
    if validate:
        _refresh_after_commit()
    return assessment


def period_window(period: str, today=None):
    """Calendar years: this year, this year and the two before, or everything."""
    import datetime

    today = today or timezone.localdate()
    if period == Period.ALL:
        return (None, None), (None, None)
    first = today.year if period == Period.YEAR else today.year - 2
    start = timezone.make_aware(datetime.datetime(first, 1, 1))  # noqa: DTZ001
    return (start, None), (first, today.year)


def _answered_by_commune(indicator: Indicator, years) -> dict[str, tuple[float, int]]:
    """Validated answers to ``indicator``: {commune key: (sum, count)}, located at the
    pioneer's commune or the project's."""
    first, last = years
    qs = Answer.objects.filter(indicator=indicator, assessment__status=AssessmentStatus.VALIDATED)
    if first is not None:
        qs = qs.filter(assessment__year__gte=first, assessment__year__lte=last)
    out: dict[str, list] = {}
    for path in ("assessment__pioneer__territory", "assessment__project__territory"):
        column = f"{path}_id"
        for row in (
            qs.filter(**{f"{path}__isnull": False})
            .values(column)
            .annotate(total=Sum("value"), sources=Count("pk"))
            .order_by()
        ):
            cell = out.setdefault(row[column], [0.0, 0])
            cell[0] += float(row["total"] or 0)
            cell[1] += row["sources"]
    return {key: (total, sources) for key, (total, sources) in out.items()}


def _enclosing(commune_keys: set[str]) -> dict[str, dict[str, str | None]]:
    rows = Territory.objects.filter(key__in=commune_keys).values_list(
        "key", "parent_id", "parent__kind", "department_id", "region_id"
    )
    return {
        key: {
            "commune": key,
            "epci": parent if parent_kind == TerritoryKind.EPCI else None,
            "department": department,
            "region": region,
            "country": "fr",
        }
        for key, parent, parent_kind, department, region in rows
    }


def observatory_refresh() -> int:
    """Recompute every aggregate (all grid versions, scales and periods) into the table,
    in one transaction; returns the number of figures."""
    with transaction.atomic():
        state = ObservatoryState.objects.first() or ObservatoryState.objects.create()
        lock_row(ObservatoryState, state.pk)
        figures: list[tuple[Indicator, str, dict]] = []
        communes: set[str] = set()
        for indicator in Indicator.objects.all():
            for period in Period.values:
                window, years = period_window(period)
                if indicator.is_computed:
                    source = computed_source(indicator.source)
                    by_commune = source.compute(window) if source else {}
                else:
                    by_commune = _answered_by_commune(indicator, years)
                communes.update(by_commune)
                figures.append((indicator, period, by_commune))
        enclosing = _enclosing(communes)
        rows = []
        for indicator, period, by_commune in figures:
            mean = not indicator.is_computed
            for (scale, key), (total, sources) in roll_up(by_commune, enclosing).items():
                value = (total / sources if sources else 0.0) if mean else total
                rows.append(
                    Aggregate(
                        indicator=indicator,
                        territory_id=key,
                        scale=scale,
                        period=period,
                        total=total,
                        sources=sources,
                        value=value,
                    )
                )
        Aggregate.objects.all().delete()
        Aggregate.objects.bulk_create(rows, batch_size=2000)
        state.refreshed_at = timezone.now()
        state.rows = len(rows)
        state.save()
    return len(rows)


@transaction.atomic
def grid_default_ensure() -> GridVersion:
    """The first grid, when none is published (the migration does it; ``seed_demo`` and a
    flushed database call this)."""
    from observatory.default_grid import DEFAULT_GRID_NOTE, DEFAULT_INDICATORS

    grid = GridVersion.objects.order_by("-number").first()
    if grid is not None:
        return grid
    grid = GridVersion.objects.create(number=1, note=DEFAULT_GRID_NOTE)
    Indicator.objects.bulk_create(
        Indicator(grid=grid, position=position, **spec)
        for position, spec in enumerate(DEFAULT_INDICATORS)
    )
    audit_record(actor=None, action="observatory.grid_publish", target=grid)
    return grid
