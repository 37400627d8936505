from django.urls import path

from . import views

app_name = "checkout"
urlpatterns = [
    path("kassa/", views.start, name="start"),
]
