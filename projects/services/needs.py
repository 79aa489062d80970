"""A project's needs: skills and the hours wanted of each (integer minutes)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pioneers.models import Skill
from projects.errors import ProjectError
from projects.models import Project, ProjectNeed

MAX_NEEDS = 30
MAX_NEED_MINUTES = 100_000


@dataclass(frozen=True, slots=True)
class NeedInput:
    skill: Skill
    minutes_wanted: int
    note: str = ""


def _needs_check(needs: Iterable[NeedInput]) -> list[NeedInput]:
    """Refuse the whole list on the first bad row: nothing is written on bad input."""
    rows = list(needs)
    if len(rows) > MAX_NEEDS:
        message = _("At most %(max)s needs per project.") % {"max": MAX_NEEDS}
        raise ProjectError(message, code="too_many_needs", errors={"needs": [message]})
    seen: set[int] = set()
    for row in rows:
        minutes = row.minutes_wanted
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 60 <= minutes <= MAX_NEED_MINUTES
        ):
            message = _("The hours wanted of « %(skill)s » must be between 1 and %(max)s.") % {
                "skill": row.skill.name,
                "max": MAX_NEED_MINUTES // 60,
            }
            raise ProjectError(message, code="invalid_need_hours", errors={"needs": [message]})
        if row.skill.pk in seen:
            message = _("The skill « %(skill)s » is listed twice.") % {"skill": row.skill.name}
            raise ProjectError(message, code="duplicate_need", errors={"needs": [message]})
        seen.add(row.skill.pk)
    return rows


def _needs_write(*, project: Project, needs: list[NeedInput]) -> bool:
    """Replace the project's needs by ``needs`` (the caller locked the project and audits);
    a kept skill keeps its row and the hours already given. True when anything changed."""
    current = {n.skill_id: n for n in ProjectNeed.objects.filter(project=project)}
    wanted = {row.skill.pk: row for row in needs}
    changed = False
    gone = [pk for skill_id, n in current.items() if skill_id not in wanted for pk in [n.pk]]
    if gone:
        ProjectNeed.objects.filter(pk__in=gone).delete()
        changed = True
    for skill_id, row in wanted.items():
        need = current.get(skill_id)
        note = row.note.strip()[:300]
        if need is None:
            ProjectNeed.objects.create(
                project=project, skill=row.skill, minutes_wanted=row.minutes_wanted, note=note
            )
            changed = True
        elif (need.minutes_wanted, need.note) != (row.minutes_wanted, note):
            need.minutes_wanted, need.note = row.minutes_wanted, note
            need.save(update_fields=["minutes_wanted", "note", "updated_at"])
            changed = True
    return changed
