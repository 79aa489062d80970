from django import template
from django.utils.safestring import mark_safe

from projects.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Members' Markdown as HTML; nh3 has removed anything that could run."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 just above


@register.filter
def percent(value: float) -> str:
    return f"{round((value or 0) * 100)}"


@register.filter
def criterion(criteria: dict | None, key: str) -> dict:
    """One criterion's details (value, weight, contribution) of a ranking entry."""
    return (criteria or {}).get(key) or {}
