from django.utils.translation import gettext as _

from projects.errors import ProjectError


def forbidden(message: str | None = None, *, code: str = "forbidden") -> ProjectError:
    return ProjectError(message or _("You are not allowed to do this."), code=code, status_code=403)
