"""Views for the page cache's tests: plain, private, never cached and with their own lifetime."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_control, never_cache


def plain(request):
    return HttpResponse("plain")


@cache_control(private=True)
def private(request):
    return HttpResponse("private")


@never_cache
def never(request):
    return HttpResponse("never")


@cache_control(public=True, max_age=86400)
def own_lifetime(request):
    return HttpResponse("own lifetime")


urlpatterns = [
    path("plain/", plain),
    path("private/", private),
    path("never/", never),
    path("own-lifetime/", own_lifetime),
]
