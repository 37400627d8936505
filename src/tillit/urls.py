from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve

from tillit.security.origin import same_origin_post

# Swedish pages have no prefix; English pages live under /en/.
urlpatterns = [
    path("admin/2fa/", include("tillit.security.urls")),
    path("admin/integritet/", include("tillit.desk.urls")),
    path("admin/", admin.site.urls),
    # The language switch is on every page: no CSRF token in it (security/origin.py).
    path("i18n/setlang/", same_origin_post(set_language), name="set_language"),
]
urlpatterns += i18n_patterns(
    path("", include("tillit.rights.urls")),
    path("", include("tillit.cookies.urls")),
    path("", include("tillit.marketing.urls")),
    path("", include("tillit.accounts.urls")),
    path("", include("tillit.cart.urls")),
    path("", include("tillit.checkout.urls")),
    path("", include("tillit.orders.urls")),
    path("", include("tillit.catalog.urls")),
    prefix_default_language=False,
)
if getattr(settings, "TILLIT_DEMO", False):
    urlpatterns.insert(0, path("demo/mailbox/", include("tillit.mailbox.urls")))
    # Uploaded product images; in production the web server in front serves MEDIA_ROOT.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve,
                            {"document_root": settings.MEDIA_ROOT})]
if getattr(settings, "TILLIT_SMS_EMULATOR", False):
    urlpatterns.insert(0, path("sms-emulator/", include("tillit.sms.emulator.urls")))
if getattr(settings, "TILLIT_KLARNA_EMULATOR", False):
    urlpatterns.insert(0, path("klarna-emulator/",
                               include("tillit.payments.klarna.emulator.urls")))

# The 500 page is rendered without the request context, the 400 page without reading the
# body (see core.views); 403, the CSRF failure and 404 use Django's views with the shop's
# templates (templates/*.html).
handler400 = "tillit.core.views.bad_request"
handler500 = "tillit.core.views.server_error"
