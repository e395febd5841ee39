"""The demo learner's wallet shows a connected host with its log; loading twice adds nothing."""

from __future__ import annotations

from django.urls import reverse

from microcred_web.ob3client import sealed
from microcred_web.ob3client.models import ConnectedHost, HostActivity, HostState
from microcred_web.orgs.demo import demo_load


def test_demo_learner_has_a_connected_host(client, db):
    demo_load()
    demo_load()
    (host,) = ConnectedHost.objects.all()
    assert host.owner.email == "learner@northwind.example" and host.state == HostState.CONNECTED
    assert HostActivity.objects.filter(host=host).count() == 3
    assert sealed.unseal(host, "access_token", host.access_token_sealed)
    client.force_login(host.owner)
    listed = client.get(reverse("ob3client:hosts")).content.decode()
    assert "Contoso Academy Badges" in listed
    page = client.get(reverse("ob3client:host", kwargs={"public_id": host.public_id}))
    assert "Forklift Safety Level 1" in page.content.decode()
