from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.core import health, i18n, views

# The admin's login goes through allauth: its rate limits and two-factor apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Terreau administration")
admin.site.site_title = _("Terreau")
admin.site.index_title = _("The cooperative's data")

urlpatterns = [
    path("", views.home, name="home"),
    path("a-propos/", views.about, name="about"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("compte/", include("backend.accounts.urls")),
    path("journal/", include("backend.core.urls")),
    path("membres/", include("governance.urls")),
    path("projets/", include("projects.urls")),
    path("pionniers/", include("pioneers.urls")),
    path("evenements/", include("events.urls")),
    path("calendar/", include("events.calendar_urls")),
    path("resumes/", include("backend.core.digest_urls")),
    path("", include("commons.urls")),
    path("territoires/", include("territories.urls")),
    path("observatoire/", include("observatory.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("backend.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("marketplace.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "backend.core.views.bad_request"
handler403 = "backend.core.views.permission_denied"
handler404 = "backend.core.views.page_not_found"
handler500 = "backend.core.views.server_error"
