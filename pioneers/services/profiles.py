"""Writes of pioneer profiles: creation, changes, photo, skills."""

import io
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from backend.accounts.models import User
from backend.core.locks import lock_row
from backend.core.services import audit_record
from pioneers.errors import PioneersError
from pioneers.models import Pioneer, Skill, Theme, Visibility
from pioneers.search import search_documents_refresh
from territories.services import territory_resolve_commune

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
PHOTO_SIZE = (800, 800)
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}

TEXT_LIMITS = {
    "display_name": 150,
    "solution_title": 200,
    "solution_description": 10_000,
    "commune": 120,
    "postcode": 10,
    "video_url": 500,
    "website_url": 500,
    "contact_email": 254,
}
REQUIRED = ("display_name", "solution_title")
VISIBILITY_FIELDS = (
    "photo_visibility",
    "description_visibility",
    "links_visibility",
    "location_visibility",
    "position_visibility",
    "skills_visibility",
    "contact_visibility",
)
EDITABLE = (*TEXT_LIMITS, "latitude", "longitude", *VISIBILITY_FIELDS)
_POSTCODE = re.compile(r"^\d{5}$")


def department_of(postcode: str) -> str:
    """The department code of a French postcode: « 34150 » → « 34 », « 97400 » → « 974 »,
    « 20000 » → « 2A »."""
    if not _POSTCODE.match(postcode or ""):
        return ""
    if postcode.startswith("97") or postcode.startswith("98"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]


def _error(field: str, message: str, code: str = "invalid") -> PioneersError:
    return PioneersError(message, code=code, errors={field: [message]})


def _coordinate(value: Any, field: str, bound: int) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _error(field, _("Give a number.")) from None
    if number != number or not -bound <= number <= bound:  # NaN never equals itself
        raise _error(
            field,
            _("Must be between %(low)d and %(high)d.") % {"low": -bound, "high": bound},
            code="position_out_of_range",
        )
    return round(number, 6)


def clean_profile_fields(changes: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate and normalise the editable fields; raise ``PioneersError`` naming each
    bad field. Used by the services, the import and (through them) every form."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise PioneersError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="invalid_field",
        )
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, limit in TEXT_LIMITS.items():
        if name not in changes:
            continue
        value = "" if changes[name] is None else str(changes[name]).strip()
        if len(value) > limit:
            errors[name] = [
                _("At most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(value)}
            ]
            continue
        clean[name] = value
    for name in REQUIRED:
        if (name in changes or not partial) and not clean.get(name):
            errors.setdefault(name, [_("This field is required.")])
    for name in ("video_url", "website_url"):
        if clean.get(name):
            try:
                URLValidator(schemes=["http", "https"])(clean[name])
            except ValidationError:
                errors[name] = [_("Give a web address starting with https://.")]
    if clean.get("contact_email"):
        try:
            EmailValidator()(clean["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Give a valid e-mail address.")]
    if clean.get("postcode"):
        if not _POSTCODE.match(clean["postcode"]):
            errors["postcode"] = [_("A French postcode has five digits.")]
        else:
            clean["department"] = department_of(clean["postcode"])
    elif "postcode" in clean:
        clean["department"] = ""
    for name, bound in (("latitude", 90), ("longitude", 180)):
        if name in changes:
            try:
                clean[name] = _coordinate(changes[name], name, bound)
            except PioneersError as exc:
                errors.update(exc.errors)
    half_position = ("latitude" in clean) != ("longitude" in clean) or (
        "latitude" in clean and (clean["latitude"] is None) != (clean["longitude"] is None)
    )
    if half_position and "latitude" not in errors and "longitude" not in errors:
        errors["latitude"] = [_("Give both the latitude and the longitude, or neither.")]
    for name in VISIBILITY_FIELDS:
        if name in changes:
            value = changes[name]
            if isinstance(value, bool) or value not in Visibility.values:
                errors[name] = [_("Choose who can see this.")]
            else:
                clean[name] = int(value)
    if errors:
        first = next(iter(errors.values()))[0]
        field = next(iter(errors))
        raise PioneersError(f"{field}: {first}", code="invalid_profile", errors=errors)
    return clean


def skills_resolve(names: Iterable[str]) -> list[Skill]:
    """The skills named (created when new), matched on their slug: « Compost » = « compost »."""
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(str(name).split())[:80]
        slug = slugify(name)[:90]
        if slug and slug not in wanted:
            wanted[slug] = name
    if not wanted:
        return []
    existing = {s.slug: s for s in Skill.objects.filter(slug__in=wanted)}
    missing = [Skill(slug=slug, name=name) for slug, name in wanted.items() if slug not in existing]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.slug: s for s in Skill.objects.filter(slug__in=wanted)}
    return [existing[slug] for slug in wanted]


def _skills_text(skills: list[Skill]) -> str:
    return ", ".join(s.name for s in skills)[:1000]


@transaction.atomic
def pioneer_create(
    *,
    actor: User | None,
    user: User | None = None,
    themes: Iterable[Theme] = (),
    skills: Iterable[str] = (),
    external_id: str = "",
    **fields: Any,
) -> Pioneer:
    if user is not None and Pioneer.objects.filter(user=user).exists():
        raise PioneersError(
            _("This person already has a pioneer profile."), code="profile_exists", status_code=409
        )
    clean = clean_profile_fields(fields, partial=False)
    skill_objects = skills_resolve(skills)
    pioneer = Pioneer.objects.create(
        user=user,
        external_id=external_id,
        skills_text=_skills_text(skill_objects),
        territory=territory_resolve_commune(
            name=clean.get("commune"), postcode=clean.get("postcode")
        ),
        **clean,
    )
    pioneer.themes.set(list(themes))
    pioneer.skills.set(skill_objects)
    search_documents_refresh(pioneer_ids=[pioneer.pk])
    audit_record(actor=actor, action="pioneer.create", target=pioneer)
    return pioneer


@transaction.atomic
def pioneer_update(
    *,
    actor: User,
    pioneer: Pioneer,
    themes: Iterable[Theme] | None = None,
    skills: Iterable[str] | None = None,
    **changes: Any,
) -> Pioneer:
    """Change a profile; any change (even none) counts as the owner reviewing it, which
    renews its freshness."""
    clean = clean_profile_fields(changes, partial=True)
    pioneer = lock_row(Pioneer, pioneer.pk)
    before = {name: getattr(pioneer, name) for name in clean}
    for name, value in clean.items():
        setattr(pioneer, name, value)
    fields = [*clean, "updated_at"]
    if "commune" in clean or "postcode" in clean:
        pioneer.territory = territory_resolve_commune(
            name=pioneer.commune, postcode=pioneer.postcode
        )
        fields.append("territory")
    if skills is not None:
        skill_objects = skills_resolve(skills)
        pioneer.skills.set(skill_objects)
        pioneer.skills_text = _skills_text(skill_objects)
        fields.append("skills_text")
    if themes is not None:
        pioneer.themes.set(list(themes))
    pioneer.save(update_fields=fields)
    search_documents_refresh(pioneer_ids=[pioneer.pk])
    audit_record(
        actor=actor,
        action="pioneer.update",
        target=pioneer,
        data={
            "fields": sorted(
                [n for n in clean if before[n] != clean[n]]
                + (["skills"] if skills is not None else [])
                + (["themes"] if themes is not None else [])
            )
        },
    )
    return pioneer


def _photo_bytes(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise _error("photo", _("The photo is larger than 5 MB."), code="photo_too_large")
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise _error("photo", _("The photo is larger than 5 MB."), code="photo_too_large")
    return data


def photo_prepare(upload) -> bytes:
    """Check an uploaded photo by its content (JPEG, PNG or WebP, at most 5 MB), turn it
    upright, shrink it to fit 800×800 and re-encode it as WebP — which also drops its
    metadata (a phone photo's GPS position, for one)."""
    data = _photo_bytes(upload)
    invalid = _error("photo", _("Send a JPEG, PNG or WebP image."), code="photo_invalid_type")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise invalid
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise _error("photo", _("The photo has too many pixels."), code="photo_too_large")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(PHOTO_SIZE, Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            out = io.BytesIO()
            image.save(out, format="WEBP", quality=82, method=4)
    except PioneersError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise invalid from None
    return out.getvalue()


@transaction.atomic
def pioneer_photo_set(*, actor: User, pioneer: Pioneer, upload) -> Pioneer:
    content = photo_prepare(upload)
    pioneer = lock_row(Pioneer, pioneer.pk)
    old = pioneer.photo.name if pioneer.photo else ""
    # A random name: the file's address reveals nothing and changes with the photo.
    pioneer.photo.save(
        f"{pioneer.pk}-{secrets.token_urlsafe(12)}.webp", ContentFile(content), save=False
    )
    pioneer.save(update_fields=["photo", "updated_at"])
    audit_record(actor=actor, action="pioneer.photo", target=pioneer)
    if old:
        storage = pioneer.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return pioneer


@transaction.atomic
def pioneer_photo_remove(*, actor: User, pioneer: Pioneer) -> Pioneer:
    pioneer = lock_row(Pioneer, pioneer.pk)
    if not pioneer.photo:
        return pioneer
    old, storage = pioneer.photo.name, pioneer.photo.storage
    pioneer.photo = ""
    pioneer.save(update_fields=["photo", "updated_at"])
    audit_record(actor=actor, action="pioneer.photo_remove", target=pioneer)
    transaction.on_commit(lambda: storage.delete(old))
    return pioneer
