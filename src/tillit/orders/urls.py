from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("konto/ordrar/", views.order_list, name="list"),
    path("konto/ordrar/<int:number>/", views.detail, name="detail"),
    path("konto/ordrar/<int:number>/kvitto/", views.receipt, name="receipt"),
    path("konto/ordrar/<int:number>/kreditnota/<int:note>/", views.credit_note,
         name="credit_note"),
    path("konto/ordrar/<int:number>/retur/", views.start_return, name="return"),
    # Guests follow their order from the signed link in the confirmation e-mail.
    path("order/<str:token>/", views.guest_detail, name="guest_detail"),
    path("order/<str:token>/kvitto/", views.guest_receipt, name="guest_receipt"),
    path("order/<str:token>/kreditnota/<int:note>/", views.guest_credit_note,
         name="guest_credit_note"),
    path("order/<str:token>/retur/", views.guest_return, name="guest_return"),
    path("order/<str:token>/ny-lank/", views.guest_fresh_link, name="guest_fresh_link"),
]
