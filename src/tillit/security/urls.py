from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("", views.otp, name="otp"),
    path("aktivera/<str:token>/", views.enrol, name="enrol"),
]
