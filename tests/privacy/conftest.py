import pytest

from tillit.privacy import demo


@pytest.fixture
def register(db):
    demo.load()
