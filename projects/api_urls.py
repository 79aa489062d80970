from django.urls import path

from projects import api

urlpatterns = [
    path("projects/", api.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/ranking/", api.RankingApi.as_view(), name="project-ranking"),
    path(
        "projects/ranking/history/",
        api.RankingHistoryApi.as_view(),
        name="project-ranking-history",
    ),
    path("projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="project-detail"),
    path(
        "projects/<int:pk>/transition/",
        api.ProjectTransitionApi.as_view(),
        name="project-transition",
    ),
    path("projects/<int:pk>/concern/", api.ProjectConcernApi.as_view(), name="project-concern"),
]
