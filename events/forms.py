from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventKind, EventVisibility
from governance.models import Assembly
from projects.models import Project, ProjectStatus

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_LOCAL)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=_LOCAL)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, required=False
    )
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    registration_deadline = forms.DateTimeField(
        label=_("Registration deadline"),
        widget=_LOCAL,
        required=False,
        help_text=_("Empty: registrations close when the event starts."),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=EventVisibility.choices)
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.filter(
            status__in=[ProjectStatus.SELECTED, ProjectStatus.IN_PROGRESS]
        ).order_by("title"),
        required=False,
        help_text=_("Required for a work meeting: a selected or running project."),
    )
    assembly = forms.ModelChoiceField(
        label=_("Assembly"),
        queryset=Assembly.objects.order_by("-id"),
        required=False,
        help_text=_("A seminar may prepare an assembly."),
    )

    @staticmethod
    def initial_for(event: Event) -> dict:
        return {
            field: getattr(event, field)
            for field in (
                "kind", "title", "description", "starts_at", "ends_at", "address", "commune",
                "latitude", "longitude", "online_url", "capacity", "registration_deadline",
                "visibility", "project", "assembly",
            )
        }  # fmt: skip


class CloseForm(forms.Form):
    minutes = forms.CharField(
        label=_("Meeting minutes"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Required for a work or network meeting."),
    )
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attendees = forms.MultipleChoiceField(
        label=_("Attendees"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (str(r.user_id), r.user.display_name) for r in registrations
        ]
