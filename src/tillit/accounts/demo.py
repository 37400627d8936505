"""Demo accounts for the demo shop: one customer and one member of staff.

:func:`load` is idempotent: run it any number of times and the two accounts exist with
the documented passwords and one address in the customer's book. The people are
fictitious; the addresses use ``example.com``.
"""

from django.db import transaction

from . import services
from .models import User

CUSTOMER = ("customer", "kund", "kund-demo-2026")
STAFF = ("staff", "personal", "personal-demo-2026")
# (role, username, password), printed by ``tillit demo``.
DEMO_LOGINS = [CUSTOMER, STAFF]

_ACCOUNTS = {
    "kund": {"name": "Kim Kund", "email": "kund@example.com", "phone": "070-174 06 50"},
    "personal": {"name": "Per Sonal", "email": "personal@example.com",
                 "is_staff": True, "is_superuser": True},
}
_CUSTOMER_ADDRESS = {
    "name": "Kim Kund", "street": "Exempelgatan 1", "postal_code": "565 31",
    "city": "Mullsjö", "country": "SE",
}


def _account(username: str, password: str) -> User:
    user, created = User.objects.get_or_create(username=username,
                                               defaults=_ACCOUNTS[username])
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load() -> None:
    """Create the demo customer (with an address) and the demo staff user if missing;
    accounts that exist, and whatever was changed in them, are left as they are."""
    customer = _account(CUSTOMER[1], CUSTOMER[2])
    _account(STAFF[1], STAFF[2])
    if not customer.addresses.exists():
        services.create_address(customer, make_default=True, **_CUSTOMER_ADDRESS)
