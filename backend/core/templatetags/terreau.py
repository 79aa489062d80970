from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(cents) -> str:
    """Integer cents shown as money in the active language: 1500 → « 15,00 € »."""
    if cents is None or cents == "":
        return ""
    amount = Decimal(int(cents)) / 100
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0€"


@register.filter
def hours(minutes) -> str:
    """Integer minutes shown as hours: 90 → « 1 h 30 »."""
    if minutes is None or minutes == "":
        return ""
    minutes = int(minutes)
    sign = "−" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}\u00a0h\u00a0{m:02d}" if m else f"{sign}{h}\u00a0h"


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


_LINK_SCHEMES = ("http://", "https://", "mailto:")


@register.filter
def link_url(value) -> str:
    """A member-given address fit for ``href``: http(s) or mailto only, else nothing. The
    forms check it already; this guards what came another way (an import, the admin)."""
    text = str(value or "").strip()
    # Browsers ignore tabs, new lines and control characters inside a scheme
    # ("java\tscript:"): judge the address as they read it.
    squeezed = "".join(ch for ch in text if ch > " ").lower()
    return text if squeezed.startswith(_LINK_SCHEMES) else ""
