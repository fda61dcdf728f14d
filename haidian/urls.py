from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from core import two_factor_views
from core import views as core_views
from core.health import HealthView
from core.metrics import metrics
from core.schema import SchemaView

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("grids.api.urls")),
    path("", include("patrols.api.urls")),
    path("registers/", include("registers.api.urls")),
    path("", include("cases.api.urls")),
    path("community/", include("community.api.urls")),
    path("orgs/", include("orgs.api.urls")),
    path("evaluation/", include("evaluation.api.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's starter as a script of its own: no inline script for the CSP to refuse.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("open311/v2/", include("cases.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("livez", core_views.livez, name="livez"),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("favicon.ico", core_views.favicon, name="favicon"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", core_views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/two-factor/", two_factor_views.two_factor_account, name="two_factor"),
    path("accounts/two-factor/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/enrol/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/tokens/", core_views.api_tokens, name="api_tokens"),
    path("notifications/", core_views.notification_list, name="notifications"),
    path("cases/", include("cases.urls")),
    path("grids/", include("grids.urls")),
    path("patrols/", include("patrols.urls")),
    path("registers/", include("registers.urls")),
    path("public/", include("cases.public_urls")),
    path("public/grids/", include("grids.public_urls")),
    path("community/", include("community.urls")),
    path("orgs/", include("orgs.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", core_views.home, name="home"),
    prefix_default_language=False,
)


# Error pages inside the site's shell (JSON under /api/ and /open311/): core/views.py.
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
