import pytest

from tillit.privacy import demo


@pytest.fixture
def processors(db):
    demo.load()
