from django import template

from backend.core.money import format_cents, format_minutes

register = template.Library()


@register.filter
def euros(cents) -> str:
    """Integer cents shown as money in the active language (``format_cents``):
    1500 → « 15 € », 1250 → « 12,50 € » in French, « €12.50 » in English."""
    return format_cents(cents)


@register.filter
def hours(minutes) -> str:
    """Integer minutes shown as hours (``format_minutes``): 90 → « 1 h 30 »."""
    return format_minutes(minutes)


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
