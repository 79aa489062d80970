"""The API's root: each app adds its routes under /api/v1/ here."""

from django.urls import include, path

from backend.api.auth import AuthTokenCreateApi, MeApi

app_name = "api"

urlpatterns = [
    path("auth/token/", AuthTokenCreateApi.as_view(), name="auth-token"),
    path("me/", MeApi.as_view(), name="me"),
    path("", include("governance.api_urls")),
    path("", include("marketplace.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("pioneers.api_urls")),
]
