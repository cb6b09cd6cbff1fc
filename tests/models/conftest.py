import pytest

from tests.models.helpers import use_cheap_password_hashes


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)
