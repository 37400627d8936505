from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "cookies"
urlpatterns = [
    path(pgettext_lazy("url", "pages/cookies"), views.page, name="page"),
    path(pgettext_lazy("url", "pages/cookies/choice"), views.choose, name="choose"),
]
