"""Object-level refusals: a member acting on what belongs to someone else.

Each case: the request is refused, and nothing changed in the database."""

import pytest

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404, 405}
ROLES_PRESENT = (
    "member-fondateurs",
    "member-partenaires-historiques",
    "member-fournisseurs",
    "member-collectivites",
    "pioneer",
)


def _refused(response) -> bool:
    if response.status_code in (301, 302):
        return "/accounts/login/" in response.headers["Location"]
    return response.status_code in REFUSED


def test_a_pioneer_cannot_edit_someone_elses_profile(world):
    # given
    other = world.objects["pioneer"]
    before = (other.display_name, other.solution_title)
    client = world.client("pioneer", api=True)
    # when: the API offers no write on another profile, the page no form
    api = client.patch(f"/api/v1/pioneers/{other.pk}/", {"display_name": "Pris"}, format="json")
    page = world.client("pioneer").post(f"/pionniers/{other.pk}/", {"display_name": "Pris"})
    admin = world.client("pioneer").post(
        f"/admin/pioneers/pioneer/{other.pk}/change/", {"display_name": "Pris"}
    )
    # then
    assert _refused(api)
    assert _refused(page)
    assert admin.status_code == 302
    assert "/admin/login/" in admin.headers["Location"]
    other.refresh_from_db()
    assert (other.display_name, other.solution_title) == before


def test_editing_my_pioneer_profile_changes_mine_only(world):
    from pioneers.models import Pioneer

    other = world.objects["pioneer"]
    before = other.display_name
    response = world.client("pioneer", api=True).patch(
        "/api/v1/pioneers/me/", {"display_name": "Pionnière renommée"}, format="json"
    )
    assert response.status_code == 200
    assert Pioneer.objects.get(user=world.users["pioneer"]).display_name == "Pionnière renommée"
    other.refresh_from_db()
    assert other.display_name == before


def test_no_resolution_vote_for_a_member_without_their_proxy(world):
    from django.utils import timezone

    from governance.assemblies import services
    from governance.models import Membership, ResolutionVote

    # given: an open assembly and an open resolution
    coordinator = world.users["coordinator"]
    resolution = world.objects["resolution_draft"]
    assembly = resolution.assembly
    assembly.date = timezone.now()  # an assembly opens on its day
    assembly.save(update_fields=["date"])
    services.assembly_open(actor=coordinator, assembly=assembly)
    for role in ROLES_PRESENT:  # enough members present for the quorum
        services.attendance_mark_present(
            actor=coordinator,
            assembly=assembly,
            membership=Membership.objects.get(user=world.users[role]),
        )
    services.resolution_open(actor=coordinator, resolution=resolution)
    victim = Membership.objects.get(user=world.users["member-salaries"])
    # when
    response = world.client("member-fondateurs", api=True).post(
        f"/api/v1/resolutions/{resolution.pk}/votes/",
        {"choice": "no", "on_behalf_of": victim.pk},
        format="json",
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "no_proxy"
    assert not ResolutionVote.objects.filter(resolution=resolution, member=victim).exists()


def test_a_member_cannot_read_another_members_time_statement(world):
    account = world.objects["account"]
    for role in ("member-fondateurs", "pioneer", "unmet"):
        api = world.client(role, api=True).get(f"/api/v1/accounts/{account.pk}/transfers/")
        page = world.client(role).get(f"/heures/comptes/{account.pk}/")
        csv = world.client(role).get(f"/heures/comptes/{account.pk}/export.csv")
        assert api.status_code == 403, role
        assert page.status_code == 403, role
        assert csv.status_code == 403, role
    # the coordinator keeps the accounts
    assert world.client("coordinator").get(f"/heures/comptes/{account.pk}/").status_code == 200


def test_a_member_cannot_read_another_members_contribution(world):
    contribution = world.objects["contribution"]
    response = world.client("member-fondateurs", api=True).get(
        f"/api/v1/contributions/{contribution.pk}/"
    )
    assert response.status_code == 404


def test_a_member_cannot_see_another_members_duties(world):
    membership = world.objects["membership"]
    response = world.client("member-fondateurs", api=True).get(
        f"/api/v1/members/{membership.pk}/duties/"
    )
    assert response.status_code == 403


def test_a_member_cannot_edit_or_hide_someone_elses_comment(world):
    comment = world.objects["comment"]
    before = (comment.body, comment.hidden_at)
    base = f"/projets/{comment.project.slug}/commentaires/{comment.pk}"
    client = world.client("member-fondateurs")
    client.post(f"{base}/modifier/", {"body": "Réécrit par un autre"})
    client.post(f"{base}/masquer/", {"reason": "Je n'aime pas"})
    comment.refresh_from_db()
    assert (comment.body, comment.hidden_at) == before


def test_a_member_cannot_edit_someone_elses_listing(world):
    listing = world.objects["listing"]
    before = (listing.title, listing.description)
    response = world.client("member-fondateurs").post(
        f"/marche/annonces/{listing.pk}/modifier/",
        {"title": "Annonce détournée", "description": "…", "kind": "offer"},
    )
    assert response.status_code == 403
    listing.refresh_from_db()
    assert (listing.title, listing.description) == before


def test_someone_outside_an_exchange_cannot_move_it(world):
    exchange = world.objects["exchange"]
    before = exchange.status
    page = world.client("member-fondateurs").post(
        f"/marche/echanges/{exchange.pk}/done/", {"reason": ""}
    )
    api = world.client("member-fondateurs", api=True).post(
        f"/api/v1/exchanges/{exchange.pk}/done/", {}, format="json"
    )
    message = world.client("member-fondateurs", api=True).post(
        f"/api/v1/exchanges/{exchange.pk}/messages/", {"body": "Intrus"}, format="json"
    )
    assert _refused(page)
    assert _refused(api)
    assert _refused(message)
    exchange.refresh_from_db()
    assert exchange.status == before
    assert not exchange.messages.filter(body="Intrus").exists()
