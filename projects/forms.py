from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from pioneers.models import Skill, Theme
from projects.models import ATTACHMENT_EXTENSIONS, ProjectStatus
from projects.ranking_criteria import ranking_criteria
from projects.services.needs import MAX_NEED_MINUTES, MAX_NEEDS, NeedInput

NEED_ROWS_MIN = 4


class EurosField(forms.DecimalField):
    """Euros typed by a person, kept as integer cents."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=Decimal(0), max_digits=12, decimal_places=2, localize=True, **kwargs
        )

    def clean(self, value):
        amount = super().clean(value)
        return 0 if amount is None else int(amount * 100)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    estimated_cost = EurosField(label=_("Estimated cost (€)"), required=False)
    self_financing = EurosField(label=_("Possible self-financing (€)"), required=False)
    self_financing_note = forms.CharField(
        label=_("How the project could finance itself"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    needs_note = forms.CharField(
        label=_("Other needs"),
        max_length=500,
        required=False,
        help_text=_("What the skills above do not say."),
    )
    needed_hours = forms.IntegerField(
        label=_("Needed time (hours)"), min_value=0, max_value=100_000, required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, needs_rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        # One row per need (a skill and its hours), and a few empty rows to add more;
        # a posted form keeps as many rows as were posted.
        posted = [
            int(key.split("_")[1])
            for key in (self.data or {})
            if key.startswith("need_") and key.endswith("_skill") and key.split("_")[1].isdigit()
        ]
        rows = min(max(NEED_ROWS_MIN, needs_rows + 2, max(posted, default=0)), MAX_NEEDS)
        skills = Skill.objects.order_by("name")
        for i in range(1, rows + 1):
            self.fields[f"need_{i}_skill"] = forms.ModelChoiceField(
                label=_("Needed skill %(n)s") % {"n": i}, queryset=skills, required=False
            )
            self.fields[f"need_{i}_hours"] = forms.IntegerField(
                label=_("Hours wanted for this skill"),
                min_value=1,
                max_value=MAX_NEED_MINUTES // 60,
                required=False,
            )
        self.need_rows = rows

    def clean(self):
        data = super().clean()
        if (data.get("self_financing") or 0) > (data.get("estimated_cost") or 0):
            self.add_error("self_financing", _("Self-financing cannot exceed the estimated cost."))
        needs, seen = [], set()
        for i in range(1, self.need_rows + 1):
            skill, hours = data.get(f"need_{i}_skill"), data.get(f"need_{i}_hours")
            if skill is None and hours is None:
                continue
            if skill is None:
                self.add_error(f"need_{i}_skill", _("Choose the skill these hours are for."))
            elif hours is None:
                self.add_error(f"need_{i}_hours", _("Say how many hours are wanted."))
            elif skill.pk in seen:
                self.add_error(f"need_{i}_skill", _("This skill is already listed."))
            else:
                seen.add(skill.pk)
                needs.append(NeedInput(skill=skill, minutes_wanted=hours * 60))
        data["needs"] = needs
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "description": data["description"],
            "estimated_cost_cents": data["estimated_cost"] or 0,
            "self_financing_cents": data["self_financing"] or 0,
            "self_financing_note": data["self_financing_note"],
            "needs_note": data["needs_note"],
            "needed_minutes": (data["needed_hours"] or 0) * 60,
            "themes": list(data["themes"]),
            "needs": data["needs"],
        }

    @classmethod
    def initial_for(cls, project) -> dict:
        return {
            "title": project.title,
            "summary": project.summary,
            "description": project.description,
            "estimated_cost": Decimal(project.estimated_cost_cents) / 100,
            "self_financing": Decimal(project.self_financing_cents) / 100,
            "self_financing_note": project.self_financing_note,
            "needs_note": project.needs_note,
            "needed_hours": project.needed_minutes // 60,
            "themes": list(project.themes.all()),
            **{
                key: value
                for i, need in enumerate(project.needs.all(), start=1)
                for key, value in (
                    (f"need_{i}_skill", need.skill_id),
                    (f"need_{i}_hours", need.minutes_wanted // 60),
                )
            },
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        help_text=_("%(types)s; 5 MB at most.") % {"types": ", ".join(ATTACHMENT_EXTENSIONS)},
    )
    title = forms.CharField(label=_("Title of the attachment"), max_length=200, required=False)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New state"), choices=ProjectStatus.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("News"), widget=forms.Textarea(attrs={"rows": 3}))
    progress_percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RankingForm(forms.Form):
    weight_concern = forms.IntegerField(
        label=_("Weight of the pioneers concerned"), min_value=0, max_value=100, initial=50
    )
    weight_cost = forms.IntegerField(
        label=_("Weight of the estimated cost"), min_value=0, max_value=100, initial=30
    )
    weight_self_financing = forms.IntegerField(
        label=_("Weight of self-financing"), min_value=0, max_value=100, initial=20
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    move_project = forms.IntegerField(
        label=_("Move a project (its id)"), required=False, min_value=1
    )
    move_rank = forms.IntegerField(label=_("To the rank"), required=False, min_value=1)
    move_justification = forms.CharField(
        label=_("Justification of the move"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The optional criteria other apps register (the compass score): 0 by default,
        # so the ranking stays the same until the coordinator gives one a weight.
        for criterion in ranking_criteria():
            self.fields[f"weight_extra_{criterion.key}"] = forms.IntegerField(
                label=_("Weight of the optional criterion: %(label)s") % {"label": criterion.label},
                min_value=0,
                max_value=100,
                initial=0,
                required=False,
                help_text=_("0 leaves it out of the score."),
            )

    def extra_weights(self) -> dict[str, int]:
        return {
            name.removeprefix("weight_extra_"): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_extra_")
        }

    def clean(self):
        data = super().clean()
        if (
            sum(
                data.get(k) or 0
                for k in data
                if k in ("weight_concern", "weight_cost", "weight_self_financing")
                or k.startswith("weight_extra_")
            )
            <= 0
        ):
            raise forms.ValidationError(_("At least one weight must be positive."))
        if data.get("move_project") and not data.get("move_rank"):
            self.add_error("move_rank", _("Give the rank the project moves to."))
        return data


class CommentBodyForm(forms.Form):
    """Editing a comment: the service checks the text (empty, too long)."""

    body = forms.CharField(required=False, strip=False)


class ServiceReasonForm(forms.Form):
    """A reason the service checks (reporting or hiding a comment)."""

    reason = forms.CharField(required=False, strip=False)
