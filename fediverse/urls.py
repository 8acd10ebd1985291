"""The fediverse's addresses (issue #15); all of them 404 while the switch is off."""

from django.urls import path

from . import views

app_name = "fediverse"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/host-meta", views.host_meta, name="host_meta"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/<str:version>", views.nodeinfo, name="nodeinfo"),
    path("ap/users/<str:username>", views.actor, name="actor"),
    path("ap/users/<str:username>/inbox", views.inbox, name="inbox"),
    path("ap/users/<str:username>/outbox", views.outbox, name="outbox"),
    path("ap/users/<str:username>/followers", views.followers, name="followers"),
    path("ap/users/<str:username>/following", views.following, name="following"),
    path("ap/inbox", views.inbox, name="shared_inbox"),
    path("ap/posts/<int:pk>", views.post_object, name="post"),
]
