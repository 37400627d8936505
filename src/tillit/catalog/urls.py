from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("sok/", views.search, name="search"),
    path("kategori/<slug:slug>/", views.category, name="category"),
    path("produkt/<slug:slug>/", views.product, name="product"),
]
