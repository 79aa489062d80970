"""Permissions read from django-rules, one way for pages and one for the API.

Every check names a permission (``rules.add_perm`` in an app's ``rules.py``); the rule's
predicates decide. Pages use ``rule_required``, API views ``HasRule``.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission

COORDINATE = "accounts.coordinate"


def rule_required(
    perm: str, *, fn: Callable[..., object] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: anonymous visitors are sent to log in, people the rule refuses
    get 403. ``fn(request, **kwargs)`` returns the object the rule is checked on."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = fn(request, **kwargs) if fn is not None else None
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


coordinator_required = rule_required(COORDINATE)


def HasRule(perm: str) -> type[BasePermission]:  # reads as a class in permission_classes
    """A DRF permission class for ``perm``: checked on the view, and on the object for
    views that call ``check_object_permissions``."""

    class _HasRule(BasePermission):
        message = None  # the API's error handler gives the standard 403 message

        def has_permission(self, request, view) -> bool:
            if getattr(view, "rule_checks_object", False):
                return bool(request.user and request.user.is_authenticated)
            return request.user.has_perm(perm)

        def has_object_permission(self, request, view, obj) -> bool:
            return request.user.has_perm(perm, obj)

    _HasRule.__name__ = f"HasRule[{perm}]"
    return _HasRule
