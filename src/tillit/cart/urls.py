from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("kundvagn/", views.detail, name="detail"),
    path("kundvagn/lagg-till/", views.add, name="add"),
    path("kundvagn/rad/<int:line_id>/", views.update, name="update"),
    path("kundvagn/rad/<int:line_id>/ta-bort/", views.remove, name="remove"),
]
