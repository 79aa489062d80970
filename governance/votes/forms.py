from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import College
from governance.tally import DEFAULT_GRADES
from governance.votes.models import VoteMethod, VoteOption
from governance.votes.subjects import option_provider


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def projects_accepted_for_vote() -> list[tuple[int, str]]:
    """(id, title) of the projects that may be put to a vote, by title (asked of the
    "project" option provider, which the projects app registers)."""
    provider = option_provider(VoteOption.PROJECT)
    return [(s.ref, s.title) for s in provider.candidates()] if provider else []


class VoteScheduleForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput(), required=False)
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())


class VoteCreateForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    method = forms.ChoiceField(
        label=_("Counting method"),
        choices=VoteMethod.choices,
        initial=VoteMethod.MAJORITY_JUDGMENT,
    )
    options_text = forms.CharField(
        label=_("Options, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Free labels; the projects chosen below are added after them."),
    )
    projects = forms.TypedMultipleChoiceField(
        label=_("Projects accepted for a vote"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grades_text = forms.CharField(
        label=_("Grades, worst first, one per line"),
        widget=forms.Textarea(attrs={"rows": 7}),
        required=False,
        initial="\n".join(DEFAULT_GRADES),
        help_text=_("Majority judgment only."),
    )
    secret = forms.BooleanField(
        label=_("Secret ballot"),
        required=False,
        initial=True,
        help_text=_("Unticked, the results show who voted what."),
    )
    colleges = forms.ModelMultipleChoiceField(
        label=_("Colleges that vote"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member votes."),
    )
    pioneers_only = forms.BooleanField(label=_("Pioneers only"), required=False)

    field_order = [
        "title",
        "description",
        "method",
        "options_text",
        "projects",
        "grades_text",
        "opens_at",
        "closes_at",
        "secret",
        "colleges",
        "pioneers_only",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = projects_accepted_for_vote()
        self.fields["colleges"].queryset = College.objects.filter(is_active=True).order_by(
            "position", "name"
        )
        for name, field in self.fields.items():
            if field.help_text:  # the help is read with the field (votes/_field.html)
                field.widget.attrs["aria-describedby"] = f"{self.auto_id % name}-help"

    def option_labels(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["options_text"].splitlines() if line.strip()
        ]

    def grade_names(self) -> list[str] | None:
        if self.cleaned_data["method"] != VoteMethod.MAJORITY_JUDGMENT:
            return None
        return [
            line.strip() for line in self.cleaned_data["grades_text"].splitlines() if line.strip()
        ]


class ReceiptCheckForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=100)


class VoteOutcomeOverrideForm(forms.Form):
    """The coordinator chooses another project than the count did (issue 15 §1)."""

    option = forms.TypedChoiceField(label=_("Project to select"), coerce=int, choices=())
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the results page and on the project's page. At least 20 characters."),
    )

    def __init__(self, *args, options=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, o.label) for o in options if o.subject_id]
