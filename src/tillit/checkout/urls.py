from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "checkout"
urlpatterns = [
    path("kassa/", views.start, name="start"),
    path("kassa/bekraftelse/", views.confirmation, name="confirmation"),
    path("kassa/push/<str:order_id>/", views.push, name="push"),
    path(pgettext_lazy("url", "purchase-terms"), views.terms, name="terms"),
]
