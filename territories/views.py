from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from territories import selectors
from territories.models import Territory


def territory_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "territories/list.html",
        {
            "query": query,
            "territories": list(selectors.territory_search(query=query)),
            "dataset": selectors.territory_dataset(),
        },
    )


def territory_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        territory = selectors.territory_get(key=key)
    except Territory.DoesNotExist:
        raise Http404 from None
    facts, children = selectors.territory_facts(territory)
    return render(
        request,
        "territories/detail.html",
        {
            "territory": territory,
            "ancestors": selectors.territory_ancestors(territory),
            "facts": facts,
            "children": children,
            "dataset": selectors.territory_dataset(),
        },
    )
