"""Local authors as actors: their addresses and key pairs (issue #15)."""

from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from .models import ActorKey


def absolute(path: str) -> str:
    """`path` on the blog's address as readers reach it (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def domain() -> str:
    """The host of the blog's address: the part after the second @ of a handle."""
    return urlsplit(settings.SITE_URL).netloc


def actor_url(author) -> str:
    return absolute(reverse("fediverse:actor", args=[author.get_username()]))


def key_id(author) -> str:
    return actor_url(author) + "#main-key"


def handle(author) -> str:
    return f"@{author.get_username()}@{domain()}"


def new_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair as (private, public) PEM, 2048 bits as Mastodon's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def key_for(author) -> ActorKey:
    """The author's key pair, made the first time it is needed (once, even if two ask)."""
    found = ActorKey.objects.filter(author=author).first()
    if found:
        return found
    private, public = new_key_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                author=author, private_key_pem=private, public_key_pem=public
            )
    except IntegrityError:
        return ActorKey.objects.get(author=author)
