from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("konto/", views.profile, name="profile"),
    path("konto/registrera/", views.register, name="register"),
    path("konto/logga-in/", views.login, name="login"),
    path("konto/logga-ut/", views.logout, name="logout"),
]
