from django.urls import path

from pioneers import api

urlpatterns = [
    path("pioneers/", api.PioneerListApi.as_view(), name="pioneer-list"),
    path("pioneers/map/", api.PioneerMapApi.as_view(), name="pioneer-map"),
    path("pioneers/me/", api.PioneerMeApi.as_view(), name="pioneer-me"),
    path(
        "pioneers/applications/",
        api.ApplicationCreateApi.as_view(),
        name="pioneer-application-create",
    ),
    path("pioneers/<int:pk>/", api.PioneerDetailApi.as_view(), name="pioneer-detail"),
]
