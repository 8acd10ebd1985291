"""The fediverse's endpoints (issue #15). Skeleton: filled in by the following commits."""

from django.http import Http404


def _off(*args, **kwargs):
    raise Http404


webfinger = host_meta = nodeinfo_links = nodeinfo = actor = inbox = outbox = _off
followers = following = _off
