"""Money for people, in one place: templates, e-mails, PDFs and CSVs all call this."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def format_cents(cents: int | None, currency: str = "EUR") -> str:
    """Integer cents in the active language: « 12,50 € » in French, « €12.50 » in
    English; whole amounts without decimals (« 15 € »); ``None`` gives an empty string."""
    if cents is None or cents == "":
        return ""
    cents = int(cents)
    decimals = 0 if cents % 100 == 0 else 2
    amount = number_format(
        Decimal(cents) / 100, decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
    if currency != "EUR":
        return f"{amount}\u00a0{currency}"
    return _("€%(amount)s") % {"amount": amount}
