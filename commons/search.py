"""French full-text search of the resources, accents and plurals ignored.

On PostgreSQL each resource keeps a ``tsvector`` built from ``unaccent`` of its fields
with the ``french`` configuration (stemming folds plurals: « énergies » and « energie »
both become ``energi``), rebuilt in one UPDATE by ``search_document_refresh``; the query
goes through ``unaccent`` and ``websearch_to_tsquery`` the same way, results ranked by
``ts_rank``. Elsewhere (SQLite) each resource keeps ``search_text``, its words folded
(no accents, lower case, a plural's final s/x dropped), and a query's words, folded the
same way, must all be found in it.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Coalesce

CONFIG = "french"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
_WORD = re.compile(r"\w+")


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def fold_word(word: str) -> str:
    """« Énergies » → « energie »: no accent, lower case, a plural's final s or x dropped."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    word = word.replace("œ", "oe").replace("æ", "ae")
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    return word


def fold_text(*parts: str) -> str:
    words = _WORD.findall(" ".join(p for p in parts if p))
    return " ".join(fold_word(w) for w in words)


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def _vector(field: str, weight: str) -> SearchVector:
    return SearchVector(Unaccent(Coalesce(F(field), Value(""))), weight=weight, config=CONFIG)


def search_document_refresh(*, resource_ids: list[int]) -> None:
    """Rebuild the stored documents of these resources (one UPDATE; PostgreSQL only)."""
    if not full_text_available() or not resource_ids:
        return
    from commons.models import Resource

    Resource.objects.filter(pk__in=resource_ids).update(
        search_document=_vector("title", "A")
        + _vector("authors", "B")
        + _vector("summary", "B")
        + _vector("body", "C")
    )


def search_filter(qs: QuerySet, *, text: str) -> QuerySet:
    """Resources matching ``text``; on PostgreSQL annotated with ``rank`` and best first."""
    text = " ".join(_WORD.findall(text[:MAX_QUERY_LENGTH])[:MAX_WORDS])
    if not text:
        return qs
    if full_text_available():
        query = SearchQuery(Unaccent(Value(text)), config=CONFIG, search_type="websearch")
        return (
            qs.filter(search_document=query)
            .annotate(rank=SearchRank(F("search_document"), query))
            .order_by("-rank", "-published_at", "-id")
        )
    for word in text.split():
        folded = fold_word(word)
        if folded:
            qs = qs.filter(search_text__contains=folded)
    return qs
