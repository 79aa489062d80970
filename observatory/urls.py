from django.urls import path

from observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", views.export, {"fmt": "json"}, name="export_json"),
    path("grille/", views.grid, name="grid"),
    path("grille/publier/", views.grid_publish, name="grid_publish"),
    path("boussoles/", views.mine, name="mine"),
    path("boussoles/<int:pk>/", views.fill, name="fill"),
    path("validation/", views.review_list, name="review_list"),
    path("validation/<int:pk>/", views.review, name="review"),
    path("actualiser/", views.refresh, name="refresh"),
]
