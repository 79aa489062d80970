from django.urls import include, path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("adhesion/", views.apply, name="apply"),
    path("colleges/", views.colleges, name="colleges"),
    path("charte/", views.charter, name="charter"),
    path("gestion/", views.member_list, name="members"),
    path("gestion/nouveau/", views.member_create, name="member_create"),
    path("gestion/registre/", views.capital_register, name="register"),
    path("gestion/<int:pk>/", views.member_detail, name="member_detail"),
    path("gestion/<int:pk>/<slug:action>/", views.member_action, name="member_action"),
    path("votes/", include("governance.votes.urls")),
]
