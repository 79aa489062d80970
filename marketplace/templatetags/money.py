from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def format_cents(cents: int) -> str:
    """Euros for people: "12,50 €" in French, "€12.50" in English; whole euros without
    decimals."""
    decimals = 0 if cents % 100 == 0 else 2
    amount = number_format(
        Decimal(cents) / 100, decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
    return _("€%(amount)s") % {"amount": amount}


@register.filter
def euros(cents: int | None) -> str:
    return "" if cents is None else format_cents(int(cents))


@register.filter
def cents_to_euros_input(cents: int | None) -> str:
    """The value of a euro input field: "12.50" (HTML number inputs want a dot)."""
    return "" if cents is None else f"{Decimal(cents) / 100:.2f}"
