from django.urls import path

from . import views

app_name = "sms_emulator"
urlpatterns = [
    path("a1/sms", views.send, name="send"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/svara/", views.reply, name="reply"),
]
