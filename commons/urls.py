from django.urls import path

from commons import views

app_name = "commons"

urlpatterns = [
    path("ressources/", views.resource_list, name="resource_list"),
    path("ressources/proposer/", views.resource_suggest, name="resource_suggest"),
    path("ressources/par-ou-commencer/", views.start, name="start"),
    path("ressources/grille/", views.review_grid, name="grid"),
    path("ressources/export.csv", views.export_csv, name="export_csv"),
    path("ressources/export.jsonld", views.export_jsonld, name="export_jsonld"),
    path("ressources/comite/", views.committee, name="committee"),
    path("ressources/comite/nommer/", views.committee_appoint, name="committee_appoint"),
    path("ressources/comite/<int:pk>/fin/", views.committee_end, name="committee_end"),
    path("ressources/comite/sessions/", views.session_create, name="session_create"),
    path("ressources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("ressources/<slug:slug>/modifier/", views.resource_edit, name="resource_edit"),
    path("ressources/<slug:slug>/avis/", views.resource_feedback, name="resource_feedback"),
    path("ressources/<slug:slug>/relecture/", views.resource_review, name="resource_review"),
    path("ressources/<slug:slug>/decision/", views.resource_decide, name="resource_decide"),
    path("place-a-lacte/", views.directory, name="directory"),
    path("place-a-lacte/carte/", views.directory_map, name="directory_map"),
    path("place-a-lacte/nouvelle/", views.entry_new, name="entry_new"),
    path("place-a-lacte/moderation/", views.moderation, name="moderation"),
    path("place-a-lacte/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("place-a-lacte/<int:pk>/modifier/", views.entry_edit, name="entry_edit"),
    path("place-a-lacte/<int:pk>/historique/", views.entry_history, name="entry_history"),
    path("place-a-lacte/<int:pk>/signaler/", views.entry_report, name="entry_report"),
    path("place-a-lacte/<int:pk>/moderer/", views.entry_moderate, name="entry_moderate"),
]
