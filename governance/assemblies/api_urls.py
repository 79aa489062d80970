from django.urls import path

from governance.assemblies import api

urlpatterns = [
    path("assemblies/", api.AssemblyCreateApi.as_view(), name="assembly-create"),
    path("assemblies/<int:pk>/convene/", api.AssemblyConveneApi.as_view(), name="assembly-convene"),
    path("assemblies/<int:pk>/open/", api.AssemblyOpenApi.as_view(), name="assembly-open"),
    path("assemblies/<int:pk>/close/", api.AssemblyCloseApi.as_view(), name="assembly-close"),
    path(
        "assemblies/<int:pk>/attendance/",
        api.AttendanceRecordApi.as_view(),
        name="assembly-attendance",
    ),
    path(
        "assemblies/<int:pk>/resolutions/",
        api.ResolutionCreateApi.as_view(),
        name="assembly-resolutions",
    ),
    path("resolutions/<int:pk>/open/", api.ResolutionOpenApi.as_view(), name="resolution-open"),
    path("resolutions/<int:pk>/close/", api.ResolutionCloseApi.as_view(), name="resolution-close"),
    path("resolutions/<int:pk>/votes/", api.ResolutionVoteApi.as_view(), name="resolution-votes"),
    path(
        "resolutions/<int:pk>/result/", api.ResolutionResultApi.as_view(), name="resolution-result"
    ),
]
