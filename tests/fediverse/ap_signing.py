"""Signing requests as a remote server would, for the inbox tests: draft-cavage (Mastodon's
headers) and RFC 9421 (rsa-v1_5-sha256, rsa-pss-sha512), written out here from the specs
so that the tests do not check the blog's verifier against its own signer only."""

import base64
import datetime
import hashlib
import json
from email.utils import format_datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone


def _key(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def cavage_headers(path, body: bytes, account, *, date=None, host="testserver", signed=None):
    date = date or timezone.now()
    values = {
        "(request-target)": f"post {path}",
        "host": host,
        "date": format_datetime(date.astimezone(datetime.UTC), usegmt=True),
        "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
    }
    names = signed or list(values)
    text = "\n".join(f"{n}: {values[n]}" for n in names).encode()
    signature = _key(account.private_key_pem).sign(text, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Date": values["date"],
        "Digest": values["digest"],
        "Signature": (
            f'keyId="{account.key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
            f'signature="{base64.b64encode(signature).decode()}"'
        ),
    }


def rfc9421_headers(url, body: bytes, account, *, alg="rsa-v1_5-sha256", created=None):
    created = int((created or timezone.now()).timestamp())
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    components = ["@method", "@target-uri", "content-digest"]
    params = (
        "("
        + " ".join(f'"{c}"' for c in components)
        + ")"
        + f';created={created};keyid="{account.key_id}";alg="{alg}"'
    )
    values = {"@method": "POST", "@target-uri": url, "content-digest": digest}
    base = "\n".join(f'"{c}": {values[c]}' for c in components)
    base += f'\n"@signature-params": {params}'
    key = _key(account.private_key_pem)
    if alg == "rsa-pss-sha512":
        signature = key.sign(
            base.encode(),
            padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64),
            hashes.SHA512(),
        )
    else:
        signature = key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "Content-Digest": digest,
        "Signature-Input": f"sig1={params}",
        "Signature": f"sig1=:{base64.b64encode(signature).decode()}:",
    }


def post_signed(client, path, activity, account, *, scheme="cavage", body=None, **options):
    """POST `activity` to `path`, signed by `account` (`body` replaces it after signing)."""
    raw = json.dumps(activity).encode()
    if scheme == "cavage":
        headers = cavage_headers(path, raw, account, **options)
    else:
        headers = rfc9421_headers("http://testserver" + path, raw, account, **options)
    return client.post(
        path,
        data=body if body is not None else raw,
        content_type="application/activity+json",
        headers=headers,
    )
