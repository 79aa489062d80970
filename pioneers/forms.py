import csv
from functools import cache
from pathlib import Path

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from pioneers.models import Pioneer, Skill, Theme, Visibility
from pioneers.visibility import ANONYMOUS, GROUPS, Viewer, visible_q

COMMUNES_CSV = Path(__file__).resolve().parent / "data" / "communes.csv"
RADII = [10, 25, 50, 100, 250]

GROUP_LABELS = {
    "photo": _("Photo"),
    "description": _("Description of the solution"),
    "links": _("Video and website"),
    "location": _("Commune and postcode"),
    "position": _("Position on the map"),
    "skills": _("Skills"),
    "contact": _("Contact e-mail"),
}


@cache
def communes() -> dict[str, tuple[float, float, str]]:
    """Communes of the seeds with their centre: name → (latitude, longitude, postcode)."""
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        return {
            row["commune"]: (float(row["latitude"]), float(row["longitude"]), row["postcode"])
            for row in csv.DictReader(handle)
        }


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Theme"),
        required=False,
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.none(),
        label=_("Skill"),
        required=False,
        to_field_name="slug",
        empty_label=_("All skills"),
    )
    department = forms.CharField(
        label=_("Department (number)"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "inputmode": "text"}),
    )
    commune = forms.CharField(label=_("Commune"), required=False, max_length=120)
    near = forms.ChoiceField(label=_("Near"), required=False)
    radius_km = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        coerce=int,
        empty_value=50,
        choices=[(r, f"{r} km") for r in RADII],
        initial=50,
    )

    def __init__(self, *args, viewer: Viewer = ANONYMOUS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.order_by("position")
        # Only skills shown on some profile to this viewer: the list must not reveal others.
        # One index probe per skill (EXISTS), not a DISTINCT over every profile's skills:
        # 29 ms → 1 ms at 5,000 profiles.
        shown = Pioneer.skills.through.objects.filter(
            visible_q(viewer, "skills", prefix="pioneer__"), skill_id=OuterRef("pk")
        )
        self.fields["skill"].queryset = Skill.objects.filter(Exists(shown)).order_by("name")
        self.fields["near"].choices = [("", _("Anywhere"))] + [
            (name, name) for name in sorted(communes())
        ]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150)
    solution_title = forms.CharField(label=_("Your solution, in a few words"), max_length=200)
    solution_description = forms.CharField(
        label=_("Description of the solution"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    video_url = forms.URLField(label=_("Video (address)"), required=False, max_length=500)
    website_url = forms.URLField(label=_("Website"), required=False, max_length=500)
    commune = forms.CharField(label=_("Commune"), required=False, max_length=120)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Between −90 and 90, e.g. 44.8964 for Briançon."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Between −180 and 180, e.g. 6.6356 for Briançon."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        label=_("Themes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.CharField(
        label=_("Skills you can share"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas, e.g. compost, carpentry, facilitation."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("position")
        for group in GROUPS:
            self.fields[f"{group}_visibility"] = forms.TypedChoiceField(
                label=_("Who sees: %(what)s") % {"what": GROUP_LABELS[group]},
                choices=Visibility.choices,
                coerce=int,
            )

    def visibility_fields(self):
        return [self[f"{group}_visibility"] for group in GROUPS]

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("Give both the latitude and the longitude, or neither."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("photo", None)
        data["skills"] = [s.strip() for s in data["skills"].split(",") if s.strip()]
        data["themes"] = list(data["themes"])
        return data


class ApplicationForm(forms.Form):
    display_name = forms.CharField(label=_("Your name as pioneers will see it"), max_length=150)
    solution_title = forms.CharField(label=_("Your solution, in a few words"), max_length=200)
    solution_description = forms.CharField(
        label=_("Describe your solution"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do, where, with whom, and what it changes."),
    )
    motivation = forms.CharField(
        label=_("Why do you want to join the pioneers?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    commune = forms.CharField(label=_("Commune"), required=False, max_length=120)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    video_url = forms.URLField(label=_("Video (address)"), required=False, max_length=500)
    website_url = forms.URLField(label=_("Website"), required=False, max_length=500)
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        label=_("Themes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("position")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("admitted", _("Admit into the pioneers' college")),
            ("more_info", _("Ask for more information")),
            ("declined", _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the candidate)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    move_college = forms.BooleanField(
        label=_("If already a member in another college, move them to the pioneers' college"),
        required=False,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or GeoJSON file"),
        help_text=_("At most 20 MB. Rows are matched on their external id."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.geojson,.json"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and report, write nothing"), required=False
    )


class ScoresForm(forms.Form):
    """A juror's scores, one ``score-<criterion>`` and ``note-<criterion>`` per criterion
    (the score sheet's table); ``scores`` holds (criterion, value, note) once clean."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)

    def clean(self):
        cleaned = super().clean()
        scores = []
        for criterion in self.criteria:
            raw = self.data.get(f"score-{criterion.slug}", "")
            if raw == "":
                continue
            try:
                value = int(raw)
            except ValueError:
                raise forms.ValidationError(
                    _("Choose a level of the criterion's scale."), code="level"
                ) from None
            scores.append((criterion, value, self.data.get(f"note-{criterion.slug}", "")[:5000]))
        if not scores:
            raise forms.ValidationError(_("Score at least one criterion."), code="empty")
        cleaned["scores"] = scores
        return cleaned
