"""Open data: every published resource as CSV and as JSON-LD (schema.org CreativeWork).

Licence-aware: the full text (``body``) travels only with resources under an open
licence (``OPEN_LICENCES``); the others are described (title, summary, authors, links,
licence) and point to their page. Rows are read in chunks of the primary key order, so
the export's memory and query count do not grow with the number of resources
(one query per chunk of 500, plus one per chunk for the taxonomies).
"""

import json
from collections.abc import Iterator

from django.urls import reverse

from commons.models import Resource, ResourceStatus

CHUNK = 500
HEADER = [
    "id",
    "slug",
    "title",
    "kind",
    "summary",
    "body",
    "authors",
    "axes",
    "themes",
    "audiences",
    "territory",
    "licence",
    "easy_read",
    "language",
    "links",
    "published_at",
    "read_count",
    "feedback_count",
]


def _chunks() -> Iterator[list[Resource]]:
    last = 0
    while True:
        chunk = list(
            Resource.objects.filter(status=ResourceStatus.PUBLISHED, pk__gt=last)
            .prefetch_related("axes", "themes", "audiences", "links")
            .order_by("pk")[:CHUNK]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def resource_csv_rows() -> Iterator[list]:
    yield HEADER
    for chunk in _chunks():
        for r in chunk:
            yield [
                r.pk,
                r.slug,
                r.title,
                r.kind,
                r.summary,
                r.body if r.is_open_licence else "",
                r.authors,
                "|".join(a.slug for a in r.axes.all()),
                "|".join(t.slug for t in r.themes.all()),
                "|".join(a.slug for a in r.audiences.all()),
                r.territory,
                r.licence,
                int(r.easy_read),
                r.language,
                " ".join(link.url for link in r.links.all()),
                r.published_at.isoformat() if r.published_at else "",
                r.read_count,
                r.feedback_count,
            ]


def resource_jsonld(resource: Resource, *, base_url: str) -> dict:
    """One resource as a schema.org CreativeWork."""
    url = base_url + reverse("commons:resource_detail", args=[resource.slug])
    data = {
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": resource.title,
        "abstract": resource.summary,
        "genre": resource.kind,
        "inLanguage": resource.language,
        "license": resource.licence_url or resource.licence,
        "author": [{"@type": "Thing", "name": name} for name in resource.author_list],
        "keywords": [a.label_fr for a in resource.axes.all()]
        + [t.label_fr for t in resource.themes.all()],
        "audience": [
            {"@type": "Audience", "audienceType": a.label_fr} for a in resource.audiences.all()
        ],
        "datePublished": resource.published_at.isoformat() if resource.published_at else None,
        "sameAs": [link.url for link in resource.links.all()],
        "isAccessibleForFree": True,
    }
    if resource.is_open_licence:
        data["text"] = resource.body
    return data


def resources_jsonld_chunks(*, base_url: str) -> Iterator[str]:
    """A JSON-LD document streamed piece by piece (``@graph`` of CreativeWork)."""
    yield '{"@context": "https://schema.org", "@graph": ['
    first = True
    for chunk in _chunks():
        for resource in chunk:
            yield ("" if first else ",") + json.dumps(
                resource_jsonld(resource, base_url=base_url), ensure_ascii=False
            )
            first = False
    yield "]}"
