"""The privacy desk's URLs, mounted at ``/admin/integritet/`` (see ``views.py``)."""

from django.urls import path

from . import restrictions
from . import views as desk

app_name = "privacy_desk"
urlpatterns = [
    path("", desk.index, name="index"),
    path("begaran/ny/", desk.request_new, name="request_new"),
    path("begaran/<int:pk>/", desk.request_detail, name="request"),
    path("begaran/<int:pk>/verifierad/", desk.request_verify, name="request_verify"),
    path("begaran/<int:pk>/stang/", desk.request_close, name="request_close"),
    path("person/", desk.search, name="search"),
    path("person/<str:ref>/", desk.person, name="person"),
    path("person/<str:ref>/kopia/", desk.person_export, name="person_export"),
    path("person/<str:ref>/radera/", desk.person_erase, name="person_erase"),
    path("person/<str:ref>/sparr/", desk.person_hold, name="person_hold"),
    path("person/<str:ref>/utlamnande/", desk.person_disclosure, name="person_disclosure"),
    path("person/<str:ref>/samtycke/", desk.person_consent, name="person_consent"),
    path("person/<str:ref>/sparr/<int:pk>/hav/", desk.hold_lift, name="hold_lift"),
    path("person/<str:ref>/begransning/", restrictions.place, name="restriction_place"),
    path("person/<str:ref>/begransning/<int:pk>/hav/", restrictions.lift,
         name="restriction_lift"),
    path("person/<str:ref>/rattelse/", desk.person_rectify, name="person_rectify"),
    path("person/<str:ref>/rattelse/adress/<int:pk>/", desk.person_rectify_address,
         name="person_rectify_address"),
    path("meddelanden/", desk.notices, name="notices"),
    path("meddelanden/<int:pk>/klar/", desk.notice_done, name="notice_done"),
    path("gallring/", desk.retention_report, name="retention"),
    path("logg/", desk.audit_log, name="audit"),
    path("loften/", desk.promises, name="promises"),
]
