"""Every URL pattern of the project, found by walking the URL conf, and how to fill it.

``discover()`` walks ``get_resolver().url_patterns`` recursively (allauth, the admin,
the API included) and keys each pattern by its URL name (with namespace) or, for an
unnamed one, by its full route. ``url_for`` turns a key into a real address with the
objects of the security tests' world.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Found:
    key: str  # "namespace:name", or the full route for an unnamed pattern
    route: str
    name: str | None
    params: tuple[str, ...]


def _params(pattern) -> list[str]:
    if hasattr(pattern.pattern, "converters"):  # path() routes
        return list(pattern.pattern.converters)
    return list(pattern.pattern.regex.groupindex)  # re_path()


def _walk(patterns, prefix: str, namespace: str, params: tuple[str, ...]):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        own = tuple(_params(pattern))
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, ns, params + own)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Found(key=name or route, route=route, name=name, params=params + own)


def discover() -> list[Found]:
    found: dict[str, Found] = {}
    for item in _walk(get_resolver().url_patterns, "", "", ()):
        # The first pattern of a name wins, as in reverse() and in resolution order.
        found.setdefault(item.key, item)
    return list(found.values())


def url_for(found: Found, kwargs: dict) -> str:
    if found.name:
        return reverse(found.name, kwargs=kwargs)
    # Unnamed patterns: fill the route by hand (converters and named groups).
    url = "/" + found.route.replace("^", "").replace("$", "")
    for param, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), url)
    return url
