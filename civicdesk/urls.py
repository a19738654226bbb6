from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from civicdesk.monitoring.views import metrics

admin.site.site_header = _("civicdesk 诉求台账")
admin.site.site_title = "civicdesk"
admin.site.index_title = _("台账管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/v2/", include("civicdesk.open311.urls")),
    path("api/", include("civicdesk.api.urls")),
    path("", include("civicdesk.insight.urls")),
    path("", include("civicdesk.notify.urls")),
    path("", include("civicdesk.board.urls")),
    path("", include("civicdesk.field.urls")),
    path("", include("civicdesk.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
