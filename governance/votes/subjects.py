"""What a vote option can stand for, beyond a free label: a *subject* of another app.

Governance sits left of the apps whose objects members vote on (``backend/core/layers.py``),
so a vote option never holds a foreign key to them. It keeps a generic reference instead,
``(subject_kind, subject_id)``, and the app that owns the kind registers an
``OptionProvider`` from its ``AppConfig.ready``: the projects app registers ``"project"``
(``projects/vote_options.py``). Governance only ever calls the provider.

``outcome_apply`` is the hook for a vote whose close decides something in the owning app
(issue 15: the winning project is selected; the representative of the community gets
a mandate): ``vote_close`` calls it in the count's transaction, the coordinator's override
again (``services/outcome.py``). It is the only way a count decides something.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "OptionProvider",
    "Subject",
    "option_provider",
    "option_provider_register",
    "option_providers",
    "subjects_attach",
]


@dataclass(frozen=True)
class Subject:
    """What an option refers to, as the owning app describes it."""

    kind: str
    ref: int
    title: str
    url: str = ""
    # May it be put to a vote now (e.g. a project accepted for a vote)?
    eligible: bool = True


@dataclass(frozen=True)
class OptionProvider:
    kind: str
    # {ref: Subject} for the refs that exist (one query for all of them).
    resolve: Callable[[Collection[int]], dict[int, Subject]]
    # The subjects that may be put to a vote now, in display order (the coordinator's form).
    candidates: Callable[[], list[Subject]]
    # Translated messages of the option checks (vote_create).
    unknown_message: Callable[[int], str]
    ineligible_message: Callable[[Subject], str]
    duplicate_message: Callable[[], str]
    # Issue 15: called as ``outcome_apply(vote=, actor=, winner=, tied=, others=, reason=)``
    # once a vote is counted (actor None: the scheduler) and on the coordinator's override
    # (with its public reason): ``winner`` is the ref to choose (None on a tie), ``tied`` the
    # refs left as they are, ``others`` those not chosen. It writes in the caller's transaction
    # and tells whom it must (on a tie, the coordinators: what to do is the owning app's).
    outcome_apply: Callable[..., Any] | None = None
    # May the coordinator choose another option than the count did (with a public reason)?
    overridable: bool = True


_PROVIDERS: dict[str, OptionProvider] = {}


def option_provider_register(provider: OptionProvider) -> None:
    """Register (or replace, on a second ``ready``) the provider of a kind."""
    _PROVIDERS[provider.kind] = provider


def option_provider(kind: str) -> OptionProvider | None:
    return _PROVIDERS.get(kind)


def option_providers() -> dict[str, OptionProvider]:
    return dict(_PROVIDERS)


def subjects_attach(options: Iterable[Any]) -> None:
    """Set ``option.subject`` (a ``Subject`` or None) on each option: one call of its
    provider's ``resolve`` per kind present, whatever the number of options."""
    options = list(options)
    refs: dict[str, set[int]] = defaultdict(set)
    for option in options:
        if option.subject_kind and option.subject_id is not None:
            refs[option.subject_kind].add(option.subject_id)
    found: dict[str, dict[int, Subject]] = {}
    for kind, ids in refs.items():
        provider = _PROVIDERS.get(kind)
        found[kind] = provider.resolve(ids) if provider else {}
    for option in options:
        option.subject = found.get(option.subject_kind or "", {}).get(option.subject_id)
