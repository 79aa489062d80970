from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("proposer/", views.project_create, name="create"),
    path("revue/", views.review, name="review"),
    path("classement/", views.ranking, name="ranking"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/modifier/", views.project_edit, name="edit"),
    path("<slug:slug>/etape/", views.project_transition, name="transition"),
    path("<slug:slug>/concerne/", views.project_concern, name="concern"),
    path("<slug:slug>/pieces-jointes/", views.attachment_add, name="attachment_add"),
    path("<slug:slug>/commentaires/", views.comment_create, name="comment_create"),
    path("<slug:slug>/commentaires/<int:pk>/modifier/", views.comment_edit, name="comment_edit"),
    path(
        "<slug:slug>/commentaires/<int:pk>/signaler/", views.comment_report, name="comment_report"
    ),
    path("<slug:slug>/commentaires/<int:pk>/masquer/", views.comment_hide, name="comment_hide"),
    path("<slug:slug>/suivi/", views.update_create, name="update_create"),
    path("<slug:slug>/jalons/", views.milestone_create, name="milestone_create"),
    path("<slug:slug>/jalons/<int:pk>/", views.milestone_done, name="milestone_done"),
]
