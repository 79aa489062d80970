from django import forms
from django.utils.translation import gettext_lazy as _

from observatory.models import Indicator, Unit


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
