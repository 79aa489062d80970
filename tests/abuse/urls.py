"""Every URL of the platform, discovered from the URL configuration (so a new page is
never forgotten), with its placeholders filled with plausible values."""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

_CONVERTER_VALUES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}
_PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class DiscoveredUrl:
    path: str
    name: str  # "namespace:name", or the view's dotted path when it has no name
    callback: object
    has_parameters: bool = False


def _fill(route: str) -> str:
    return _PLACEHOLDER.sub(lambda m: _CONVERTER_VALUES.get(m["converter"] or "str", "x"), route)


def discover_urls() -> tuple[list[DiscoveredUrl], list[str]]:
    """(the URLs built from ``path()`` routes, the regular-expression routes skipped)."""
    found: list[DiscoveredUrl] = []
    skipped: list[str] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            pattern = entry.pattern
            if not isinstance(pattern, RoutePattern):
                skipped.append(prefix + str(pattern))
                continue
            raw = prefix + str(pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, raw, ns)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else entry.lookup_str
                found.append(
                    DiscoveredUrl(
                        "/" + _fill(raw), name, entry.callback, bool(_PLACEHOLDER.search(raw))
                    )
                )

    walk(get_resolver().url_patterns, "", "")
    return found, skipped
