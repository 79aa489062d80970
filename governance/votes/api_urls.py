from django.urls import path

from governance.votes import api

urlpatterns = [
    path("votes/", api.VoteListCreateApi.as_view(), name="vote-list"),
    path("votes/<int:pk>/", api.VoteDetailApi.as_view(), name="vote-detail"),
    path("votes/<int:pk>/close/", api.VoteCloseApi.as_view(), name="vote-close"),
    path("votes/<int:pk>/outcome/", api.VoteOutcomeOverrideApi.as_view(), name="vote-outcome"),
    path("votes/<int:pk>/ballots/", api.BallotApi.as_view(), name="vote-ballots"),
    path("votes/<int:pk>/results/", api.VoteResultsApi.as_view(), name="vote-results"),
]
