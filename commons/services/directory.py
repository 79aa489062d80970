"""« Place à l'acte »: entries written by anyone signed in, moderated after the fact."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from backend.core.locks import lock_row
from backend.core.services import audit_record
from commons.errors import CommonsError
from commons.models import (
    Entry,
    EntryKind,
    EntryModeration,
    EntryReport,
    EntryRevision,
    EntryStatus,
    ModerationAction,
    ReportReason,
)
from commons.rules import user_is_editor

ENTRY_FIELDS = (
    "kind",
    "title",
    "description",
    "website_url",
    "commune",
    "postcode",
    "latitude",
    "longitude",
    "starts_at",
    "ends_at",
    "place",
)


def entry_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check an entry's fields (the form, the API and the importer share it)."""
    errors: dict[str, list[str]] = {}
    clean = {name: data.get(name) for name in ENTRY_FIELDS}
    for name in ("title", "description", "website_url", "commune", "postcode", "place"):
        clean[name] = str(clean[name] or "").strip()
    if clean["kind"] not in EntryKind.values:
        errors["kind"] = [_("Choose a kind of entry.")]
    if not clean["title"]:
        errors["title"] = [_("Give the entry a title.")]
    elif len(clean["title"]) > 200:
        errors["title"] = [_("At most 200 characters.")]
    if len(clean["description"]) > 5000:
        errors["description"] = [_("At most 5,000 characters.")]
    if clean["website_url"] and not clean["website_url"].startswith(("http://", "https://")):
        errors["website_url"] = [_("Give an address starting with https://.")]
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = clean[name]
        if value in (None, ""):
            clean[name] = None
            continue
        try:
            clean[name] = float(value)
        except (TypeError, ValueError):
            errors[name] = [_("Give a number.")]
            continue
        if not low <= clean[name] <= high:
            errors[name] = [_("Out of range.")]
    if (clean["latitude"] is None) != (clean["longitude"] is None) and not (
        "latitude" in errors or "longitude" in errors
    ):
        errors["latitude"] = [_("Give both the latitude and the longitude, or neither.")]
    if not clean["commune"] and clean["latitude"] is None and "latitude" not in errors:
        errors["commune"] = [_("Place the entry: a commune or a point on the map.")]
    if clean["kind"] == EntryKind.EVENT and not clean["starts_at"]:
        errors["starts_at"] = [_("An event needs its date.")]
    if clean["starts_at"] and clean["ends_at"] and clean["ends_at"] < clean["starts_at"]:
        errors["ends_at"] = [_("It ends before it starts.")]
    if len(clean["commune"]) > 120 or len(clean["postcode"]) > 10 or len(clean["place"]) > 200:
        errors.setdefault("commune", []).append(_("Too long."))
    if errors:
        raise CommonsError(_("The entry cannot be saved."), code="invalid", errors=errors)
    return clean


def _snapshot(entry: Entry, pioneer_ids: list[int], project_ids: list[int]) -> dict[str, Any]:
    data = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    for name in ("starts_at", "ends_at"):
        data[name] = data[name].isoformat() if data[name] else None
    data["pioneers"] = sorted(pioneer_ids)
    data["projects"] = sorted(project_ids)
    return data


@transaction.atomic
def entry_create(
    *,
    actor,
    data: dict[str, Any],
    pioneer_ids: list[int] | None = None,
    project_ids: list[int] | None = None,
) -> Entry:
    if not actor or not actor.is_authenticated:
        raise CommonsError(_("Sign in to add an entry."), code="forbidden", status_code=403)
    clean = entry_clean(data)
    entry = Entry.objects.create(created_by=actor, updated_by=actor, **clean)
    pioneer_ids, project_ids = list(pioneer_ids or []), list(project_ids or [])
    entry.pioneers.set(pioneer_ids)
    entry.projects.set(project_ids)
    EntryRevision.objects.create(
        entry=entry, version=1, editor=actor, data=_snapshot(entry, pioneer_ids, project_ids)
    )
    audit_record(actor=actor, action="commons.entry_create", target=entry)
    return entry


@transaction.atomic
def entry_update(
    *,
    actor,
    entry: Entry,
    data: dict[str, Any],
    pioneer_ids: list[int] | None = None,
    project_ids: list[int] | None = None,
) -> Entry:
    """Anyone signed in edits a visible entry; each save is a new revision naming its editor."""
    if not actor or not actor.is_authenticated:
        raise CommonsError(_("Sign in to edit an entry."), code="forbidden", status_code=403)
    entry = lock_row(Entry, entry.pk)
    if entry.status != EntryStatus.VISIBLE and not user_is_editor(actor):
        raise CommonsError(
            _("This entry is under moderation and cannot be edited."),
            code="moderated",
            status_code=409,
        )
    clean = entry_clean(data)
    for name, value in clean.items():
        setattr(entry, name, value)
    entry.version += 1
    entry.updated_by = actor
    entry.save(update_fields=[*ENTRY_FIELDS, "version", "updated_by", "updated_at"])
    pioneer_ids, project_ids = list(pioneer_ids or []), list(project_ids or [])
    entry.pioneers.set(pioneer_ids)
    entry.projects.set(project_ids)
    EntryRevision.objects.create(
        entry=entry,
        version=entry.version,
        editor=actor,
        data=_snapshot(entry, pioneer_ids, project_ids),
    )
    audit_record(
        actor=actor, action="commons.entry_update", target=entry, data={"version": entry.version}
    )
    return entry


def reports_to_hide() -> int:
    return settings.COMMONS_REPORTS_TO_HIDE


@transaction.atomic
def entry_report(*, actor, entry: Entry, reason: str, details: str = "") -> EntryReport:
    """A reader reports an entry; at the threshold it is hidden at once, pending review.

    The entry's row is locked first, so concurrent reports are counted one after the
    other: the count is exact and the report that reaches the threshold is the one that
    hides the entry.
    """
    if not actor or not actor.is_authenticated:
        raise CommonsError(_("Sign in to report an entry."), code="forbidden", status_code=403)
    if reason not in ReportReason.values:
        message = _("Choose a reason.")
        raise CommonsError(message, code="invalid", errors={"reason": [message]})
    entry = lock_row(Entry, entry.pk)
    if entry.status != EntryStatus.VISIBLE:
        raise CommonsError(
            _("This entry is already under moderation."), code="moderated", status_code=409
        )
    if EntryReport.objects.filter(
        entry=entry, reporter=actor, moderation_round=entry.moderation_round
    ).exists():
        raise CommonsError(
            _("You have already reported this entry."), code="already_reported", status_code=409
        )
    report = EntryReport.objects.create(
        entry=entry,
        reporter=actor,
        moderation_round=entry.moderation_round,
        reason=reason,
        details=details.strip()[:1000],
    )
    count = entry.report_count + 1
    update: dict[str, Any] = {"report_count": F("report_count") + 1}
    hidden = count >= reports_to_hide()
    if hidden:
        update["status"] = EntryStatus.HIDDEN
    Entry.objects.filter(pk=entry.pk).update(**update)
    audit_record(
        actor=actor,
        action="commons.entry_report",
        target=entry,
        data={"reason": reason, "reports": count, "hidden": hidden},
    )
    if hidden:
        EntryModeration.objects.create(
            entry=entry,
            action=ModerationAction.HIDDEN,
            reason=_("%(n)d reports") % {"n": count},
            actor=None,
        )
        audit_record(actor=None, action="commons.entry_hide", target=entry, data={"reports": count})
    return report


@transaction.atomic
def entry_moderate(*, actor, entry: Entry, action: str, reason: str) -> EntryModeration:
    """The coordinator or the committee restores an entry (reports start again from zero)
    or removes it, always with a reason."""
    if not user_is_editor(actor):
        raise CommonsError(
            _("Only the coordinator or the committee moderates."),
            code="forbidden",
            status_code=403,
        )
    if action not in (ModerationAction.RESTORED, ModerationAction.REMOVED):
        message = _("Choose restore or remove.")
        raise CommonsError(message, code="invalid", errors={"action": [message]})
    if not reason.strip():
        message = _("Give the reason of the decision.")
        raise CommonsError(message, code="invalid", errors={"reason": [message]})
    entry = lock_row(Entry, entry.pk)
    before = entry.status
    if action == ModerationAction.RESTORED:
        if entry.status == EntryStatus.VISIBLE:
            raise CommonsError(_("This entry is visible already."), code="visible", status_code=409)
        Entry.objects.filter(pk=entry.pk).update(
            status=EntryStatus.VISIBLE,
            report_count=0,
            moderation_round=F("moderation_round") + 1,
        )
    else:
        if entry.status == EntryStatus.REMOVED:
            raise CommonsError(_("This entry is removed already."), code="removed", status_code=409)
        Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.REMOVED)
    moderation = EntryModeration.objects.create(
        entry=entry, action=action, reason=reason.strip()[:2000], actor=actor
    )
    audit_record(
        actor=actor,
        action=f"commons.entry_{'restore' if action == ModerationAction.RESTORED else 'remove'}",
        target=entry,
        data={"status_before": before, "reason": reason.strip()[:200]},
    )
    return moderation
