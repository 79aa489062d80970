"""The site's URLs plus the two ceiling views (bench settings only)."""

from django.urls import path

from backend.urls import handler400, handler403, handler404, handler500  # noqa: F401
from backend.urls import urlpatterns as site_urlpatterns
from bench import views

urlpatterns = [
    path("bench/ceiling/json/", views.ceiling_json, name="bench-ceiling-json"),
    path("bench/ceiling/drf/", views.CeilingDrfApi.as_view(), name="bench-ceiling-drf"),
    *site_urlpatterns,
]
