"""The API's root: each app adds its routes under /api/v1/ here."""

from django.urls import include, path

from backend.api.auth import AuthTokenCreateApi, MeApi
from backend.api.privacy import (
    AuditEventListApi,
    MyDataApi,
    MyDataArchiveApi,
    MyDataEraseApi,
    PersonEraseApi,
)

app_name = "api"

urlpatterns = [
    path("auth/token/", AuthTokenCreateApi.as_view(), name="auth-token"),
    path("me/", MeApi.as_view(), name="me"),
    path("me/data/", MyDataApi.as_view(), name="me-data"),
    path("me/data/archive/", MyDataArchiveApi.as_view(), name="me-data-archive"),
    path("me/erase/", MyDataEraseApi.as_view(), name="me-erase"),
    path("users/<int:user_id>/erase/", PersonEraseApi.as_view(), name="user-erase"),
    path("audit-events/", AuditEventListApi.as_view(), name="audit-events"),
    path("", include("governance.api_urls")),
    path("", include("marketplace.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("pioneers.api_urls")),
    path("", include("events.api_urls")),
    path("", include("commons.api_urls")),
    path("", include("observatory.api_urls")),
]
