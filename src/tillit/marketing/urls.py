from django.urls import path

from . import views

app_name = "marketing"
urlpatterns = [
    path("nyhetsbrev/", views.signup, name="signup"),
    path("nyhetsbrev/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("nyhetsbrev/avregistrera/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("nyhetsbrev/avregistrera/<str:token>/angra/", views.undo, name="undo"),
    path("konto/samtycken/", views.choices, name="choices"),
    path("nyhetsbrev/mina-val/", views.guest_request, name="guest_request"),
    path("nyhetsbrev/mina-val/<str:token>/", views.guest_choices, name="guest_choices"),
    # The SMS gateway's callbacks; the secret in the path is the gateway's only key.
    path("sms/inkommande/<str:secret>/", views.sms_incoming, name="sms_incoming"),
    path("sms/leveransrapport/<str:secret>/", views.sms_delivery, name="sms_delivery"),
]
