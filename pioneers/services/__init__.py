"""Every write of the pioneers app (profiles, admission, import)."""

from pioneers.services.admission import (
    DecisionResult,
    application_decide,
    application_score,
    application_scores_save,
    application_submit,
    application_update,
)
from pioneers.services.imports import (
    ImportReport,
    import_job_create,
    import_job_run,
    pioneers_import,
)
from pioneers.services.profiles import (
    department_of,
    photo_prepare,
    pioneer_create,
    pioneer_photo_remove,
    pioneer_photo_set,
    pioneer_update,
    skills_resolve,
)

__all__ = [
    "DecisionResult",
    "ImportReport",
    "application_decide",
    "application_score",
    "application_scores_save",
    "application_submit",
    "application_update",
    "department_of",
    "import_job_create",
    "import_job_run",
    "photo_prepare",
    "pioneer_create",
    "pioneer_photo_remove",
    "pioneer_photo_set",
    "pioneer_update",
    "pioneers_import",
    "skills_resolve",
]
