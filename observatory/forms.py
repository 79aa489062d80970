from django import forms
from django.utils.translation import gettext_lazy as _

from observatory.models import Compass, Direction, Indicator, Respondent, Unit


def answers_form(indicators: list[Indicator], initial: dict[int, int], *, disabled=False):
    """A form with one field per indicator given (a score or a number)."""
    fields = {}
    for indicator in indicators:
        if indicator.unit == Unit.SCALE:
            field = forms.TypedChoiceField(
                label=indicator.name,
                help_text=indicator.definition,
                choices=[("", "—")]
                + [(n, str(n)) for n in range(indicator.scale_min, indicator.scale_max + 1)],
                coerce=int,
                required=False,
                disabled=disabled,
            )
        else:
            field = forms.IntegerField(
                label=indicator.name,
                help_text=indicator.definition,
                min_value=0,
                required=False,
                disabled=disabled,
            )
        fields[f"i{indicator.pk}"] = field
    form_class = type("AnswersForm", (forms.Form,), fields)
    return form_class, {f"i{k}": v for k, v in initial.items()}


def values_from(cleaned: dict) -> dict[int, int]:
    return {int(name[1:]): value for name, value in cleaned.items() if name.startswith("i")}


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the pioneer"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


# ---------------------------------------------------------------- publishing a grid version


def _source_choices():
    from observatory.computed import computed_sources

    return [("", "—")] + [(s.key, f"{s.label} ({s.key})") for s in computed_sources()]


class IndicatorForm(forms.Form):
    """One indicator of the version to publish (copied from the current one)."""

    compass = forms.ChoiceField(label=_("Compass"), choices=Compass.choices)
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(label=_("Definition"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ChoiceField(label=_("Scale or unit"), choices=Unit.choices)
    scale_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=100, initial=0)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=100, initial=5)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    respondent = forms.ChoiceField(label=_("Answered by"), choices=Respondent.choices)
    source = forms.ChoiceField(label=_("Computed from"), choices=(), required=False)
    formula = forms.CharField(
        label=_("Formula"), widget=forms.Textarea(attrs={"rows": 1}), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = _source_choices()

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        if data.get("respondent") == Respondent.COMPUTED and not data.get("source"):
            self.add_error("source", _("Choose what a computed indicator is computed from."))
        return data


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, extra=1, can_delete=True, min_num=1, validate_min=True, max_num=60
)


class GridPublishForm(forms.Form):
    """The note of the new version and its indicators (a formset under ``indicators``)."""

    note = forms.CharField(
        label=_("What changes in this version"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, data=None, *, initial_indicators: list[dict] | None = None) -> None:
        super().__init__(data)
        self.indicators = IndicatorFormSet(data, prefix="ind", initial=initial_indicators or None)

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.indicators.is_valid()])

    def clean(self):
        data = super().clean()
        if not self.indicators.is_valid():
            return data
        kept = [
            form.cleaned_data
            for form in self.indicators.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        specs = [
            {name: value for name, value in spec.items() if name != "DELETE"} | {"position": n}
            for n, spec in enumerate(kept)
        ]
        if not specs:
            raise forms.ValidationError(_("A grid needs at least one indicator."))
        codes = [spec["code"] for spec in specs]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise forms.ValidationError(
                _("Each indicator needs its own code; used twice: %(codes)s.")
                % {"codes": ", ".join(twice)}
            )
        data["indicators"] = specs
        return data
