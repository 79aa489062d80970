from django.urls import path

from governance.threads import api

urlpatterns = [
    path("coordinator-threads/", api.ThreadListCreateApi.as_view(), name="coordinator-thread-list"),
    path(
        "coordinator-threads/<int:pk>/",
        api.ThreadDetailApi.as_view(),
        name="coordinator-thread-detail",
    ),
    path(
        "coordinator-threads/<int:pk>/messages/",
        api.ThreadMessageCreateApi.as_view(),
        name="coordinator-thread-messages",
    ),
]
