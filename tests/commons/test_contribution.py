"""A free-price contribution to the commons for a published resource: the marketplace's
own contribution flow and funds, with the resource recorded as the target."""

import pytest

from commons.services.committee import resource_decide
from marketplace.errors import MarketplaceError
from marketplace.models import Contribution
from marketplace.services.contributions import contribution_start
from tests.commons.conftest import review

pytestmark = pytest.mark.django_db


def test_a_contribution_to_a_published_resource_goes_through_the_marketplace(
    client, suggest, committee, member
):
    resource = suggest()
    with pytest.raises(MarketplaceError):
        contribution_start(
            actor=member, project=None, resource=resource, amount_cents=1500, card=False
        )
    assert not Contribution.objects.exists()
    assert client.get(f"/contribuer/ressource/{resource.slug}/").status_code == 404
    review(resource, committee[0])
    review(resource, committee[1])
    resource_decide(actor=committee[2], resource=resource, outcome="published", reasons="Ok")
    resource.refresh_from_db()
    page = client.get(f"/contribuer/ressource/{resource.slug}/")
    assert page.status_code == 200
    assert resource.title in page.content.decode()
    contribution = contribution_start(
        actor=member, project=None, resource=resource, amount_cents=1500, card=False
    )
    assert contribution.resource == resource
    assert contribution.fund.kind == "cooperative"
    assert contribution.amount_cents == 1500
