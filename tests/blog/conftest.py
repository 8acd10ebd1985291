"""Fixtures for the blog tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every UserFactory user gets a hashed password; MD5 makes that instant here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
