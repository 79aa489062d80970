from django.urls import path

from observatory import api

urlpatterns = [
    path("observatory/", api.ObservatoryApi.as_view(), name="observatory"),
    path("observatory/grids/", api.GridListApi.as_view(), name="observatory-grids"),
]
