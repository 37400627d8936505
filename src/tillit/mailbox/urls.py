from django.urls import path

from . import views

app_name = "mailbox"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:message_id>/", views.message, name="message"),
    path("<str:message_id>/html/", views.message_html, name="message_html"),
]
