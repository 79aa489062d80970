from django.urls import path

from backend.core import digest_views

app_name = "digest"

urlpatterns = [
    path("", digest_views.digest_preference, name="preference"),
    path("desabonnement/<str:token>/", digest_views.digest_unsubscribe, name="unsubscribe"),
]
