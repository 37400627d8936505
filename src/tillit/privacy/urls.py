from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "privacy"
urlpatterns = [
    path(pgettext_lazy("url", "privacy-policy"), views.policy, name="policy"),
]
