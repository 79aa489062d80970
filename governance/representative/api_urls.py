from django.urls import path

from governance.representative import api

urlpatterns = [
    path(
        "representative-elections/",
        api.ElectionListApi.as_view(),
        name="representative-election-list",
    ),
    path(
        "representative-candidacies/",
        api.CandidacyListCreateApi.as_view(),
        name="representative-candidacy-list",
    ),
    path(
        "representative-candidacies/<int:pk>/withdraw/",
        api.CandidacyWithdrawApi.as_view(),
        name="representative-candidacy-withdraw",
    ),
]
