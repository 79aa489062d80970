from django.urls import path

from backend.core import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.audit_list, name="list"),
    path("export.csv", audit_views.audit_export, name="export"),
]
