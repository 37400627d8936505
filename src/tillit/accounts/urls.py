from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("konto/", views.profile, name="profile"),
    path("konto/registrera/", views.register, name="register"),
    path("konto/registrera/skickat/", views.register_done, name="register_done"),
    path("konto/aktivera/<str:token>/", views.activate, name="activate"),
    path("konto/logga-in/", views.login, name="login"),
    path("konto/logga-ut/", views.logout, name="logout"),
    path("konto/uppgifter/andra/", views.profile_edit, name="profile_edit"),
    path("konto/e-post/bekrafta/<str:token>/", views.email_confirm, name="email_confirm"),
    path("konto/losenord/andra/", views.password_change, name="password_change"),
    path("konto/losenord/aterstall/", views.password_reset, name="password_reset"),
    path("konto/losenord/aterstall/skickat/", views.password_reset_done,
         name="password_reset_done"),
    path("konto/losenord/aterstall/klart/", views.password_reset_complete,
         name="password_reset_complete"),
    path("konto/losenord/aterstall/<uidb64>/<token>/", views.password_reset_confirm,
         name="password_reset_confirm"),
    path("konto/adresser/", views.address_list, name="address_list"),
    path("konto/adresser/ny/", views.address_create, name="address_create"),
    path("konto/adresser/<int:pk>/andra/", views.address_update, name="address_update"),
    path("konto/adresser/<int:pk>/ta-bort/", views.address_delete, name="address_delete"),
    path("konto/adresser/<int:pk>/standard/", views.address_set_default,
         name="address_set_default"),
]
