from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "privacy"
urlpatterns = [
    path(pgettext_lazy("url", "privacy-policy"), views.policy, name="policy"),
    # The rights (P04, P29, P31): for everyone, by e-mail; for account holders, logged in.
    path("dina-uppgifter/", views.rights, name="rights"),
    path("dina-uppgifter/skickat/", views.sent, name="sent"),
    path("dina-uppgifter/begransa-eller-invand/", views.restrict_or_object,
         name="restrict_or_object"),
    path("dina-uppgifter/bekrafta/<str:token>/", views.verify, name="verify"),
    path("dina-uppgifter/kopia/", views.export_request, name="export_request"),
    path("dina-uppgifter/kopia/<str:token>/", views.export_ready, name="export_ready"),
    path("dina-uppgifter/kopia/<str:token>/hamta/", views.export_download,
         name="export_download"),
    path("dina-uppgifter/radera/", views.erase_start, name="erase_start"),
    path("dina-uppgifter/radera/bekrafta/", views.erase_confirm, name="erase_confirm"),
    path("dina-uppgifter/radera/begaran/<int:pk>/", views.guest_erase, name="guest_erase"),
    path("dina-uppgifter/radera/vantar/", views.erase_waiting, name="erase_waiting"),
    path("dina-uppgifter/radera/aterkalla/", views.erase_withdraw_mine,
         name="erase_withdraw_mine"),
    path("dina-uppgifter/radera/aterkalla/<str:token>/", views.erase_withdraw,
         name="erase_withdraw"),
    path("dina-uppgifter/hej-da/", views.goodbye, name="goodbye"),
]
