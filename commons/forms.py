"""The commons' forms: they only shape input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commons.models import (
    Audience,
    Axis,
    EntryKind,
    Licence,
    ModerationAction,
    Recommendation,
    ReportReason,
    ResourceKind,
    ResourceStatus,
    TerritoryType,
)
from commons.services.resources import ResourceInput
from pioneers.models import Theme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    body = forms.CharField(
        label=_("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italic*, lists, links. No HTML."),
    )
    authors = forms.CharField(
        label=_("Authors and organisations"),
        max_length=500,
        help_text=_("Separated by commas."),
    )
    axes = forms.ModelMultipleChoiceField(
        label=_("Resilience axes"),
        queryset=Axis.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audiences = forms.ModelMultipleChoiceField(
        label=_("For whom"),
        queryset=Audience.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territory = forms.ChoiceField(label=_("Territory type"), choices=TerritoryType.choices)
    licence = forms.ChoiceField(
        label=_("Licence"), choices=Licence.choices, initial=Licence.CC_BY_SA_4
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("fr", "Français"), ("en", "English"), ("other", _("Other"))]
    )
    easy_read = forms.BooleanField(label=_("Easy to read (facile à lire)"), required=False)
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line (a website, a podcast, a video)."),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, OpenDocument, Word, images or text; 10 MB each, 5 at most."),
    )

    def clean_links(self) -> list[dict[str, str]]:
        links = []
        validator = forms.URLField(max_length=500)
        for line in (self.cleaned_data.get("links") or "").splitlines():
            line = line.strip()
            if line:
                links.append({"url": validator.clean(line)})
        return links

    def to_input(self) -> ResourceInput:
        data = self.cleaned_data
        return ResourceInput(
            title=data["title"],
            summary=data["summary"],
            kind=data["kind"],
            body=data.get("body", ""),
            authors=data["authors"],
            territory=data["territory"],
            licence=data["licence"],
            easy_read=data.get("easy_read", False),
            language=data["language"],
            theme_ids=[t.pk for t in data.get("themes", [])],
            axis_ids=[a.pk for a in data.get("axes", [])],
            audience_ids=[a.pk for a in data.get("audiences", [])],
            links=data.get("links", []),
        )

    @classmethod
    def initial_for(cls, resource) -> dict:
        return {
            "title": resource.title,
            "summary": resource.summary,
            "kind": resource.kind,
            "body": resource.body,
            "authors": resource.authors,
            "axes": list(resource.axes.all()),
            "themes": list(resource.themes.all()),
            "audiences": list(resource.audiences.all()),
            "territory": resource.territory,
            "licence": resource.licence,
            "language": resource.language,
            "easy_read": resource.easy_read,
            "links": "\n".join(link.url for link in resource.links.all()),
        }


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment for the authors"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=criterion.description,
                choices=[(level.value, level.label) for level in criterion.levels.all()],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def marks(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s.value, s.label) for s in ResourceStatus if s != ResourceStatus.PROPOSED],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (published)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class FeedbackForm(forms.Form):
    used = forms.BooleanField(label=_("I used this resource"), required=False)
    rating = forms.TypedChoiceField(
        label=_("How well did it work?"),
        choices=[("", _("—"))] + [(i, str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 = not at all, 5 = very well."),
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class StartForm(forms.Form):
    audience = forms.ModelChoiceField(
        label=_("Who are you?"),
        queryset=Audience.objects.all(),
        to_field_name="slug",
        empty_label=_("— choose —"),
    )
    territory = forms.ChoiceField(label=_("Where do you act?"), choices=TerritoryType.choices)
    axis = forms.ModelChoiceField(
        label=_("What do you want to strengthen first?"),
        queryset=Axis.objects.all(),
        to_field_name="slug",
        empty_label=_("— choose —"),
    )


class AppointForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to appoint"))


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the next quarter."),
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    website_url = forms.URLField(label=_("Website"), required=False, max_length=500)
    commune = forms.CharField(label=_("Commune"), required=False, max_length=120)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at (events)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at (events)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Place (events)"), required=False, max_length=200)
    pioneers = forms.CharField(
        label=_("Pioneers behind it"),
        required=False,
        help_text=_("Numbers of their pioneer pages, separated by commas."),
    )
    projects = forms.CharField(
        label=_("Projects it helps"),
        required=False,
        help_text=_("Addresses (slugs) of the projects, separated by commas."),
    )

    def clean_pioneers(self) -> list[int]:
        from pioneers.models import Pioneer

        raw = [p.strip().lstrip("#") for p in (self.cleaned_data.get("pioneers") or "").split(",")]
        ids = [int(p) for p in raw if p.isdigit()][:20]
        found = set(Pioneer.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if set(ids) - found:
            raise forms.ValidationError(_("Unknown pioneer number(s)."))
        return ids

    def clean_projects(self) -> list[int]:
        from projects.models import Project

        slugs = [
            p.strip() for p in (self.cleaned_data.get("projects") or "").split(",") if p.strip()
        ]
        found = dict(Project.objects.filter(slug__in=slugs[:20]).values_list("slug", "pk"))
        if set(slugs[:20]) - set(found):
            raise forms.ValidationError(_("Unknown project(s)."))
        return list(found.values())


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ModerationAction.RESTORED.value, _("Restore")),
            (ModerationAction.REMOVED.value, _("Remove")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
