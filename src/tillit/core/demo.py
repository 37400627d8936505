"""The demo shop's parts, found as the admin finds ``admin.py``: each app's ``demo.py``
with ``load()`` (its share of the catalogue, accounts, processors) and, if it has any,
``DEMO_LOGINS`` (role, user ID, password) for the welcome text."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def modules() -> list[ModuleType]:
    """Each Tillit app's demo module, in ``INSTALLED_APPS`` order (this finder, the core
    app's own ``demo`` module, is not one of them)."""
    names = [f"{app.name}.demo" for app in apps.get_app_configs()
             if app.name.startswith("tillit.")]
    return [import_module(name) for name in names if name != __name__ and find_spec(name)]


def logins() -> list[tuple[str, str, str]]:
    return [login for module in modules() for login in getattr(module, "DEMO_LOGINS", ())]
