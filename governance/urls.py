from django.urls import include, path

from governance import views
from governance.assemblies import views as assemblies
from governance.representative import views as representative
from governance.threads import views as threads

app_name = "governance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("adhesion/", views.apply, name="apply"),
    path("colleges/", views.colleges, name="colleges"),
    path("charte/", views.charter, name="charter"),
    path("souscrire/", views.subscribe, name="subscribe"),
    path("fonctionnement/", views.federation, name="federation"),
    path("jardinier/", threads.thread_list, name="threads"),
    path("jardinier/nouveau/", threads.thread_create, name="thread_create"),
    path("jardinier/<int:pk>/", threads.thread_detail, name="thread_detail"),
    path("jardinier/<int:pk>/fermer/", threads.thread_close, name="thread_close"),
    path("jardinier/pieces/<int:pk>/", threads.thread_attachment, name="thread_attachment"),
    path("representant/", representative.election_list, name="representative"),
    path("representant/nouvelle/", representative.election_create, name="representative_create"),
    path("representant/<int:pk>/", representative.election_detail, name="representative_detail"),
    path(
        "representant/<int:pk>/candidature/",
        representative.candidacy_stand,
        name="representative_stand",
    ),
    path(
        "representant/<int:pk>/scrutin/",
        representative.election_put_to_vote,
        name="representative_put_to_vote",
    ),
    path(
        "representant/candidatures/<int:pk>/retirer/",
        representative.candidacy_withdraw,
        name="representative_withdraw",
    ),
    path("gestion/", views.member_list, name="members"),
    path("gestion/nouveau/", views.member_create, name="member_create"),
    path("gestion/registre/", views.capital_register, name="register"),
    path("gestion/<int:pk>/", views.member_detail, name="member_detail"),
    path("gestion/<int:pk>/<slug:action>/", views.member_action, name="member_action"),
    path("assemblees/", assemblies.assembly_list, name="assembly_list"),
    path("assemblees/nouvelle/", assemblies.assembly_create, name="assembly_create"),
    path("assemblees/<int:pk>/", assemblies.assembly_detail, name="assembly_detail"),
    path("assemblees/<int:pk>/pouvoir/", assemblies.assembly_proxy, name="assembly_proxy"),
    path("assemblees/<int:pk>/presence/", assemblies.assembly_checkin, name="assembly_checkin"),
    path("assemblees/<int:pk>/vote/", assemblies.assembly_vote, name="assembly_vote"),
    path("assemblees/<int:pk>/console/", assemblies.assembly_console, name="assembly_console"),
    path(
        "assemblees/<int:pk>/proces-verbal/", assemblies.assembly_minutes, name="assembly_minutes"
    ),
    path("assemblees/<int:pk>/<slug:action>/", assemblies.assembly_action, name="assembly_action"),
    path("resolutions/<int:pk>/vote/", assemblies.resolution_vote, name="resolution_vote"),
    path("resolutions/<int:pk>/resultat/", assemblies.resolution_result, name="resolution_result"),
    path(
        "resolutions/<int:pk>/<slug:action>/",
        assemblies.resolution_action,
        name="resolution_action",
    ),
    path("votes/", include("governance.votes.urls")),
]
