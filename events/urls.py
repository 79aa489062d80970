from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("nouveau/", views.event_create, name="create"),
    path("calendrier/", views.calendar_token_page, name="calendar"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/modifier/", views.event_edit, name="edit"),
    path("<int:pk>/inscription/", views.event_register, name="register"),
    path("<int:pk>/desinscription/", views.event_unregister, name="unregister"),
    path("<int:pk>/cloturer/", views.event_close, name="close"),
]
