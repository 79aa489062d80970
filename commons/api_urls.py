from django.urls import path

from commons import api

urlpatterns = [
    path("resources/", api.ResourceListApi.as_view(), name="resource-list"),
    path("resources/<int:pk>/", api.ResourceDetailApi.as_view(), name="resource-detail"),
    path(
        "resources/<int:pk>/feedback/",
        api.ResourceFeedbackApi.as_view(),
        name="resource-feedback",
    ),
    path("directory/entries/", api.EntryListApi.as_view(), name="entry-list"),
    path("directory/map/", api.EntryMapApi.as_view(), name="entry-map"),
    path("directory/entries/<int:pk>/report/", api.EntryReportApi.as_view(), name="entry-report"),
]
