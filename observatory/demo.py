"""``seed_demo``: the first indicator grid, a few validated self-assessments of demo
pioneers for the last three years, and the observatory's figures. Idempotent: a
pioneer's year is assessed once."""

import random

from django.utils import timezone

from backend.accounts.models import User
from observatory.models import Assessment, Respondent
from observatory.services import (
    assessment_answer,
    assessment_review,
    assessment_start,
    grid_default_ensure,
    observatory_refresh,
)
from pioneers.models import Pioneer


def seed(*, stdout) -> None:
    grid = grid_default_ensure()
    coordinator = User.objects.filter(email="jardinier@terreau.coop").first()
    if coordinator is None:
        return
    this_year = timezone.localdate().year
    pioneers = list(
        Pioneer.objects.filter(user__isnull=False, territory__isnull=False).order_by("pk")[:8]
    )
    asked = [i for i in grid.indicators.all() if i.respondent == Respondent.PIONEER]
    by_coordinator = [i for i in grid.indicators.all() if i.respondent == Respondent.COORDINATOR]
    created = 0
    for index, pioneer in enumerate(pioneers):
        rng = random.Random(pioneer.pk)  # noqa: S311 — believable demo figures
        for year in (this_year - 2, this_year - 1):
            if Assessment.objects.filter(pioneer=pioneer, year=year).exists():
                continue
            # The demo pioneer Inès keeps this year's compasses to fill in herself.
            assessment = assessment_start(actor=pioneer.user, year=year, pioneer=pioneer)
            values = {i.pk: rng.randint(max(i.scale_min, 2), i.scale_max) for i in asked}
            assessment_answer(actor=pioneer.user, assessment=assessment, values=values, submit=True)
            assessment_review(
                actor=coordinator,
                assessment=assessment,
                validate=True,
                values={i.pk: rng.randint(i.scale_min, i.scale_max) for i in by_coordinator},
                comment="" if index % 3 else "Belle progression, merci !",
            )
            created += 1
    rows = observatory_refresh()
    stdout.write(f"Observatory: {created} self-assessments validated, {rows} figures computed.")
