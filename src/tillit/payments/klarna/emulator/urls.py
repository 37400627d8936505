"""Mounted at /klarna-emulator/ by the demo and test settings only (``TILLIT_KLARNA_EMULATOR``)."""

from django.urls import path

from . import views

app_name = "klarna_emulator"
urlpatterns = [
    path("", views.root, name="root"),
    path("checkout/v3/orders", views.orders, name="orders"),
    path("checkout/v3/orders/<str:order_id>", views.order, name="order"),
    path("ordermanagement/v1/orders/<str:order_id>", views.placed_order, name="placed_order"),
    path("ordermanagement/v1/orders/<str:order_id>/acknowledge", views.acknowledge,
         name="acknowledge"),
    path("ordermanagement/v1/orders/<str:order_id>/captures", views.captures,
         name="captures"),
    path("ordermanagement/v1/orders/<str:order_id>/refunds", views.refunds, name="refunds"),
    path("ordermanagement/v1/orders/<str:order_id>/cancel", views.cancel, name="cancel"),
    path("checkout/<str:order_id>/", views.buyer, name="buyer"),
]
