from django.urls import path

from events import api

urlpatterns = [
    path("events/", api.EventListApi.as_view(), name="event-list"),
    path("events/<int:pk>/", api.EventDetailApi.as_view(), name="event-detail"),
    path(
        "events/<int:pk>/registration/",
        api.EventRegistrationApi.as_view(),
        name="event-registration",
    ),
]
