from django.utils.translation import gettext as _

from projects.errors import ProjectError
from projects.models import Project


def project_lock(project: Project) -> Project:
    """The project's row, locked until the transaction ends (serialises its counters)."""
    return Project.objects.select_for_update().get(pk=project.pk)


def forbidden(message: str | None = None, *, code: str = "forbidden") -> ProjectError:
    return ProjectError(message or _("You are not allowed to do this."), code=code, status_code=403)
