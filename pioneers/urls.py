from django.urls import path

from pioneers import views

app_name = "pioneers"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("carte/", views.pioneer_map, name="map"),
    path("moi/", views.me, name="me"),
    path("devenir-pionnier/", views.become, name="become"),
    path("candidatures/", views.applications, name="applications"),
    path("candidatures/<int:pk>/", views.application_detail, name="application_detail"),
    path("candidatures/<int:pk>/notes/", views.application_score, name="application_score"),
    path(
        "candidatures/<int:pk>/decision/", views.application_decision, name="application_decision"
    ),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/photo/", views.photo, name="photo"),
]
