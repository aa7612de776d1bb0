"""Fixtures of the front-desk inbox tests."""

import pytest

from tests.builders.inbox import user_of_kind


@pytest.fixture
def front_desk(client):
    """A client logged in as a member of the "Front desk" group."""
    client.force_login(user_of_kind("front_desk"))
    return client


@pytest.fixture
def superuser_client(client):
    """A client logged in as a superuser (the user is ``client.user``)."""
    user = user_of_kind("superuser")
    client.force_login(user)
    client.user = user
    return client
