"""Markdown written by members, rendered to HTML that cannot carry scripts."""

import markdown as md
import nh3

_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str) -> str:
    """Markdown → sanitised HTML (no raw HTML survives, links open nothing dangerous)."""
    html = md.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
