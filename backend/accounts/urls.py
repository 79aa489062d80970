from django.urls import path

from backend.accounts import views

app_name = "privacy"

urlpatterns = [
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export/", views.my_data_export, name="export"),
    path("mes-donnees/effacement/", views.my_data_erase, name="erase"),
    path("personnes/<int:user_id>/effacement/", views.person_erase, name="person_erase"),
]
