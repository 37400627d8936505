from tests.orders.orders_fixtures import *  # noqa: F403
