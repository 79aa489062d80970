from django.urls import path

from events import views

app_name = "calendar"

urlpatterns = [
    path("public.ics", views.calendar_public_feed, name="public"),
    path("<str:token>.ics", views.calendar_private_feed, name="private"),
]
