"""The votes' pages, included by governance/urls.py under votes/ (namespace "governance")."""

from django.urls import path

from governance.votes import views

urlpatterns = [
    path("", views.vote_list, name="vote_list"),
    path("nouveau/", views.vote_create, name="vote_create"),
    path("<int:pk>/", views.vote_detail, name="vote_detail"),
    path("<int:pk>/bulletin/", views.vote_ballot, name="vote_ballot"),
    path("<int:pk>/recu/", views.vote_receipt, name="vote_receipt"),
    path("<int:pk>/resultats/", views.vote_results, name="vote_results"),
    path("<int:pk>/issue/", views.vote_outcome_override, name="vote_outcome_override"),
    path("<int:pk>/bulletins.csv", views.vote_ballots_csv, name="vote_ballots_csv"),
    path("<int:pk>/calendrier/", views.vote_schedule, name="vote_schedule"),
    path("<int:pk>/ouvrir/", views.vote_open, name="vote_open"),
    path("<int:pk>/cloturer/", views.vote_close, name="vote_close"),
]
