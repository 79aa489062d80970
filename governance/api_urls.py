from django.urls import include, path

from governance import api

urlpatterns = [
    path("colleges/", api.CollegeListCreateApi.as_view(), name="college-list"),
    path("colleges/<slug:slug>/", api.CollegeDetailApi.as_view(), name="college-detail"),
    path("members/", api.MemberListCreateApi.as_view(), name="member-list"),
    path("members/me/", api.MemberMeApi.as_view(), name="member-me"),
    path("members/<int:pk>/duties/", api.MemberDutiesApi.as_view(), name="member-duties"),
    path(
        "share-subscriptions/",
        api.ShareSubscriptionCreateApi.as_view(),
        name="share-subscription-create",
    ),
    path("federation/", api.FederationApi.as_view(), name="federation"),
    path("", include("governance.threads.api_urls")),
    path("", include("governance.representative.api_urls")),
    path("", include("governance.assemblies.api_urls")),
    path("", include("governance.votes.api_urls")),
]
