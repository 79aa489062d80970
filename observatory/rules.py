import rules

from backend.accounts.roles import is_coordinator


@rules.predicate
def is_subject_owner(user, assessment) -> bool:
    """The pioneer assessed, or an author of the project assessed."""
    if assessment is None or not user.is_authenticated:
        return False
    if assessment.pioneer_id is not None:
        return assessment.pioneer.user_id == user.pk
    return assessment.project.authors.filter(pk=user.pk).exists()


rules.add_perm("observatory.fill_assessment", rules.is_authenticated & is_subject_owner)
rules.add_perm(
    "observatory.view_assessment", rules.is_authenticated & (is_subject_owner | is_coordinator)
)
rules.add_perm("observatory.review_assessment", is_coordinator)
rules.add_perm("observatory.publish_grid", is_coordinator)
