from django.urls import path

from observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
]
