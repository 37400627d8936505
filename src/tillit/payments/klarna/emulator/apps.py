from django.apps import AppConfig


class KlarnaEmulatorConfig(AppConfig):
    """A stand-in for Klarna Checkout v3 and Order Management v1, for the demo and tests
    only. Production settings never install it."""

    name = "tillit.payments.klarna.emulator"
    label = "klarna_emulator"
    verbose_name = "Klarna emulator (demo only)"
