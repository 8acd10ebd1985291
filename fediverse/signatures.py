"""HTTP signatures for ActivityPub (issue #15): draft-cavage as Mastodon sends them, RFC 9421.

`sign_request` makes the headers of an outgoing request (draft-cavage-http-signatures-12,
rsa-sha256 over "(request-target) host date digest", as Mastodon signs). `verify_request`
checks an incoming one, signed either way: the body's digest (Digest or Content-Digest),
the date (±12 hours, Mastodon's window) or the `created` parameter, the signature with the
key of the actor named by keyId (fetched and kept on RemoteActor; fetched once more when
the check fails, for a rotated key), and that the activity's `actor` is the key's owner.
Anything else raises SignatureError with the status the inbox answers; nothing is stored
but the actor's public document.
"""

import base64
import datetime
import hashlib
import json
import logging
import re
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils import timezone

logger = logging.getLogger("fediverse.signatures")

MAX_BODY = 256 * 1024
WINDOW = datetime.timedelta(hours=12)
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class SignatureError(Exception):
    """A request the inbox refuses; `status` is the answer (400, 401, 413)."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status


# Signing ------------------------------------------------------------------------------


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _private_key(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def sign_request(
    method: str, url: str, body: bytes | None, key_id: str, private_key_pem: str
) -> dict[str, str]:
    """The Host, Date, Digest (with a body) and Signature headers for this request."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {
        "(request-target)": f"{method.lower()} {target}",
        "host": parts.netloc,
        "date": format_datetime(timezone.now().astimezone(datetime.UTC), usegmt=True),
    }
    if body is not None:
        headers["digest"] = digest_header(body)
    signed = " ".join(headers)
    text = "\n".join(f"{name}: {value}" for name, value in headers.items())
    signature = _private_key(private_key_pem).sign(
        text.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    out = {name.title(): value for name, value in headers.items() if name[0] != "("}
    out["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{signed}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return out


# Parsing ------------------------------------------------------------------------------


def _split_top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside quoted strings and parentheses."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_cavage(header: str) -> dict[str, str]:
    params = {}
    for item in _split_top(header, ","):
        name, _, value = item.partition("=")
        params[name.strip().lower()] = _unquote(value.strip())
    if not {"keyid", "signature"} <= params.keys():
        raise SignatureError("Signature header without keyId or signature")
    return params


def parse_signature_input(header: str) -> dict[str, dict]:
    """RFC 9421's Signature-Input: {label: {"components": [...], "params": {...}, "raw"}}."""
    out = {}
    for member in _split_top(header, ","):
        label, _, raw = member.partition("=")
        match = re.fullmatch(r"\(([^)]*)\)(.*)", raw.strip(), re.S)
        if not match:
            raise SignatureError("Signature-Input is malformed")
        components = [_unquote(c) for c in match.group(1).split()]
        params = {}
        for item in _split_top(match.group(2), ";"):
            name, _, value = item.partition("=")
            params[name.strip()] = _unquote(value.strip())
        out[label.strip()] = {"components": components, "params": params, "raw": raw.strip()}
    return out


def parse_signature_dict(header: str) -> dict[str, bytes]:
    out = {}
    for member in _split_top(header, ","):
        label, _, value = member.partition("=")
        value = value.strip()
        if not (value.startswith(":") and value.endswith(":")):
            raise SignatureError("Signature is malformed")
        try:
            out[label.strip()] = base64.b64decode(value[1:-1], validate=True)
        except ValueError as exc:
            raise SignatureError("Signature is not base64") from exc
    return out


# Checks -------------------------------------------------------------------------------


def check_size(request) -> bytes:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit():
        raise SignatureError("Content-Length is not a number", 400)
    if int(length) > MAX_BODY:
        raise SignatureError(f"Body over {MAX_BODY} bytes", 413)
    body = request.body
    if len(body) > MAX_BODY:
        raise SignatureError(f"Body over {MAX_BODY} bytes", 413)
    return body


def check_date(value: str | None, *, created: str | None = None, expires: str | None = None):
    now = timezone.now()
    try:
        if created is not None:
            when = datetime.datetime.fromtimestamp(int(created), tz=datetime.UTC)
        elif value:
            when = parsedate_to_datetime(value)
        else:
            raise SignatureError("No Date header signed")
        if (
            expires is not None
            and datetime.datetime.fromtimestamp(int(expires), tz=datetime.UTC) < now
        ):
            raise SignatureError("Signature expired")
    except (TypeError, ValueError, OverflowError) as exc:
        raise SignatureError("Date is malformed") from exc
    if when.tzinfo is None:
        raise SignatureError("Date without a time zone")
    if abs(now - when) > WINDOW:
        raise SignatureError("Date outside the window of 12 hours")


def check_digest(request, body: bytes, signed: set[str]):
    """The body matches a signed Digest (draft-cavage) or Content-Digest (RFC 9421)."""
    if "digest" in signed:
        for item in request.headers.get("Digest", "").split(","):
            name, _, value = item.strip().partition("=")
            algo = DIGESTS.get(name.lower())
            if algo and base64.b64encode(algo(body).digest()).decode() == value:
                return
        raise SignatureError("Digest does not match the body")
    if "content-digest" in signed:
        for item in _split_top(request.headers.get("Content-Digest", ""), ","):
            name, _, value = item.partition("=")
            algo = DIGESTS.get(name.strip().lower())
            if algo and value.strip() == f":{base64.b64encode(algo(body).digest()).decode()}:":
                return
        raise SignatureError("Content-Digest does not match the body")
    if body:
        raise SignatureError("The body's digest is not signed")


def _public_key(pem: str):
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise SignatureError("The actor's key cannot be read") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("Only RSA keys are supported")
    return key


def _verifies(pem: str, signature: bytes, text: bytes, alg: str) -> bool:
    key = _public_key(pem)
    try:
        if alg == "rsa-pss-sha512":
            key.verify(
                signature,
                text,
                padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64),
                hashes.SHA512(),
            )
        else:
            key.verify(signature, text, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _target(request) -> str:
    return request.get_full_path()


def cavage_text(request, names: list[str]) -> bytes:
    lines = []
    for name in names:
        if name == "(request-target)":
            value = f"{request.method.lower()} {_target(request)}"
        elif name in ("(created)", "(expires)"):
            raise SignatureError(f"{name} is not supported")
        elif name == "host":
            value = request.headers.get("Host") or request.get_host()
        else:
            value = request.headers.get(name)
            if value is None:
                raise SignatureError(f"Signed header {name} is missing")
        lines.append(f"{name}: {value}")
    return "\n".join(lines).encode()


def rfc9421_text(request, components: list[str], raw_params: str) -> bytes:
    lines = []
    for name in components:
        if name == "@method":
            value = request.method
        elif name == "@target-uri":
            value = request.build_absolute_uri()
        elif name == "@authority":
            value = request.get_host().lower()
        elif name == "@scheme":
            value = request.scheme
        elif name == "@request-target":
            value = _target(request)
        elif name == "@path":
            value = request.path
        elif name == "@query":
            value = "?" + request.META.get("QUERY_STRING", "")
        elif name.startswith("@") or ";" in name:
            raise SignatureError(f"Component {name} is not supported")
        else:
            value = request.headers.get(name)
            if value is None:
                raise SignatureError(f"Signed header {name} is missing")
        lines.append(f'"{name}": {value.strip()}')
    lines.append(f'"@signature-params": {raw_params}')
    return "\n".join(lines).encode()


def read_signature(request) -> dict:
    """What was signed, how and by which key, from either scheme's headers."""
    if "Signature-Input" in request.headers:
        inputs = parse_signature_input(request.headers["Signature-Input"])
        signatures = parse_signature_dict(request.headers.get("Signature", ""))
        label = next((name for name in inputs if name in signatures), None)
        if label is None:
            raise SignatureError("No signature for the Signature-Input")
        found = inputs[label]
        params = found["params"]
        if "keyid" not in params:
            raise SignatureError("Signature-Input without keyid")
        components = found["components"]
        if "@method" not in components or not (
            {"@target-uri", "@request-target", "@path"} & set(components)
        ):
            raise SignatureError("The method and target are not signed")
        alg = params.get("alg", "rsa-v1_5-sha256")
        if alg not in ("rsa-v1_5-sha256", "rsa-pss-sha512"):
            raise SignatureError(f"Algorithm {alg} is not supported")
        check_date(None, created=params.get("created"), expires=params.get("expires"))
        return {
            "key_id": params["keyid"],
            "signed": set(components),
            "signature": signatures[label],
            "text": rfc9421_text(request, components, found["raw"]),
            "alg": alg,
        }
    header = request.headers.get("Signature")
    if not header:
        auth = request.headers.get("Authorization", "")
        header = auth[len("Signature ") :] if auth.startswith("Signature ") else None
    if not header:
        raise SignatureError("Not signed")
    params = parse_cavage(header)
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"Algorithm {algorithm} is not supported")
    names = params.get("headers", "date").lower().split()
    if "(request-target)" not in names or "date" not in names:
        raise SignatureError("(request-target) and date are not signed")
    check_date(request.headers.get("Date"))
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as exc:
        raise SignatureError("Signature is not base64") from exc
    return {
        "key_id": params["keyid"],
        "signed": set(names),
        "signature": signature,
        "text": cavage_text(request, names),
        "alg": "rsa-v1_5-sha256",
    }


def claimed_key_id(request) -> str:
    """The keyId the request names (not yet verified; "" if there is none to be read)."""
    try:
        if "Signature-Input" in request.headers:
            inputs = parse_signature_input(request.headers["Signature-Input"])
            return next(iter(inputs.values()), {}).get("params", {}).get("keyid", "")
        header = request.headers.get("Signature") or request.headers.get("Authorization", "")
        return parse_cavage(header.removeprefix("Signature ")).get("keyid", "")
    except SignatureError:
        return ""


def activity_actor(body: bytes):
    """The id of the activity's `actor` (None for a request without a body)."""
    if not body:
        return None
    try:
        activity = json.loads(body)
    except ValueError as exc:
        raise SignatureError("The body is not JSON", 400) from exc
    if not isinstance(activity, dict):
        raise SignatureError("The body is not an activity", 400)
    actor = activity.get("actor")
    if isinstance(actor, dict):
        actor = actor.get("id")
    if not isinstance(actor, str):
        raise SignatureError("The activity names no actor", 400)
    return actor


def verify_request(request):
    """The RemoteActor whose key signed `request`, or SignatureError (logged)."""
    try:
        return _verify(request)
    except SignatureError as exc:
        logger.warning(
            "Refused %s %s (%s): %s",
            request.method,
            request.path,
            exc.status,
            exc,
            extra={"remote_addr": request.META.get("REMOTE_ADDR")},
        )
        raise


def _verify(request):
    from . import remote

    body = check_size(request)
    found = read_signature(request)
    check_digest(request, body, found["signed"])
    claimed = activity_actor(body)
    try:
        actor, fresh = remote.actor_for_key(found["key_id"])
    except remote.FetchError as exc:
        raise SignatureError(f"Key {found['key_id']} cannot be fetched: {exc}") from exc
    if not _verifies(actor.public_key_pem, found["signature"], found["text"], found["alg"]):
        if fresh:
            raise SignatureError("Signature does not verify")
        # The key may have been rotated since it was kept: ask the actor once more.
        try:
            actor = remote.refresh_actor(actor)
        except remote.FetchError as exc:
            raise SignatureError(f"Key {found['key_id']} cannot be fetched: {exc}") from exc
        if not _verifies(actor.public_key_pem, found["signature"], found["text"], found["alg"]):
            raise SignatureError("Signature does not verify")
    if claimed is not None and claimed != actor.ap_id:
        raise SignatureError(f"Signed by {actor.ap_id}, not by the activity's actor {claimed}")
    return actor
