import datetime

import pytest
from django.utils import timezone

from governance.assemblies import services
from governance.assemblies.models import Assembly, Proxy, ResolutionVote
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(colleges, membership_factory):
    spread = ["fondateurs"] * 3 + ["beneficiaires"] * 3 + ["collectivites"] * 2
    return [membership_factory(college=colleges[slug], shares=1) for slug in spread]


@pytest.fixture
def as_coordinator(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    return api_client


def _iso(delta_days: float) -> str:
    return (timezone.now() + datetime.timedelta(days=delta_days)).isoformat()


def test_the_whole_assembly_through_the_api(as_coordinator, api_client, people):
    # an assembly held last week, recorded after the fact
    response = as_coordinator.post(
        "/api/v1/assemblies/",
        {
            "title": "AG de printemps",
            "kind": "ordinary",
            "convocation": 1,
            "date": _iso(-7),
            "convened_on": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assembly = response.json()
    assert assembly["status"] == "open"
    pk = assembly["id"]
    for m in people[:4]:
        r = as_coordinator.post(
            f"/api/v1/assemblies/{pk}/attendance/",
            {"member": m.pk, "status": "present"},
            format="json",
        )
        assert r.status_code == 201
    r = as_coordinator.post(
        f"/api/v1/assemblies/{pk}/attendance/",
        {"member": people[4].pk, "status": "represented", "proxy_holder": people[3].pk},
        format="json",
    )
    assert r.json()["represented"] == 1
    r = as_coordinator.post(
        f"/api/v1/assemblies/{pk}/resolutions/",
        {"title": "Comptes", "text": "Approbation", "majority": "two_thirds"},
        format="json",
    )
    resolution = r.json()["id"]
    assert as_coordinator.post(f"/api/v1/resolutions/{resolution}/open/").status_code == 200

    api_client.force_authenticate(people[3].user)
    assert (
        api_client.post(
            f"/api/v1/resolutions/{resolution}/votes/", {"choice": "yes"}, format="json"
        ).status_code
        == 201
    )
    r = api_client.post(
        f"/api/v1/resolutions/{resolution}/votes/",
        {"choice": "yes", "on_behalf_of": people[4].pk},
        format="json",
    )
    assert r.json() == {"resolution": resolution, "member": people[4].pk, "choice": "yes"}
    api_client.force_authenticate(people[0].user)
    api_client.post(f"/api/v1/resolutions/{resolution}/votes/", {"choice": "no"}, format="json")

    # the result is published at close only
    assert api_client.get(f"/api/v1/resolutions/{resolution}/result/").status_code == 404
    from backend.accounts.roles import coordinator_grant

    coordinator_grant(user=people[7].user)
    api_client.force_authenticate(people[7].user)
    assert api_client.post(f"/api/v1/resolutions/{resolution}/close/").status_code == 200
    result = api_client.get(f"/api/v1/resolutions/{resolution}/result/").json()
    # founders (20 %) 0/1 yes, pioneers (30 %) 2/2 yes → 30/50 = 0.6 < 2/3
    assert result["weighted_yes"] == pytest.approx(0.6)
    assert result["adopted"] is False
    assert result["quorum_reached"] is True
    rows = {c["college"]: c for c in result["colleges"]}
    assert (rows["beneficiaires"]["yes"], rows["fondateurs"]["no"]) == (2, 1)
    assert {"college", "weight", "yes", "no", "abstain"} <= set(rows["fondateurs"])
    api_client.force_authenticate(people[0].user)
    r = api_client.post(
        f"/api/v1/resolutions/{resolution}/votes/", {"choice": "yes"}, format="json"
    )
    assert r.status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "AG", "kind": "annuelle", "date": "2030-01-01T10:00:00+01:00"}, "kind"),
        ({"title": "AG", "convocation": 3, "date": "2030-01-01T10:00:00+01:00"}, "convocation"),
        ({"title": "AG", "date": "demain"}, "date"),
        ({"date": "2030-01-01T10:00:00+01:00"}, "title"),
    ],
)
def test_bad_assembly_input_is_a_400(as_coordinator, payload, field):
    response = as_coordinator.post("/api/v1/assemblies/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Assembly.objects.exists()


def test_convening_too_late_is_a_clear_error(as_coordinator, people):
    pk = as_coordinator.post(
        "/api/v1/assemblies/", {"title": "AG", "date": _iso(3)}, format="json"
    ).json()["id"]
    response = as_coordinator.post(f"/api/v1/assemblies/{pk}/convene/")
    assert response.status_code == 400
    assert response.json()["code"] == "notice_period"
    assert Assembly.objects.get(pk=pk).status == "draft"


def test_represented_needs_a_holder(as_coordinator, people, coordinator):
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    response = as_coordinator.post(
        f"/api/v1/assemblies/{assembly.pk}/attendance/",
        {"member": people[0].pk, "status": "represented"},
        format="json",
    )
    assert response.status_code == 400
    assert "proxy_holder" in response.json()["errors"]
    response = as_coordinator.post(
        f"/api/v1/assemblies/{assembly.pk}/attendance/",
        {"member": 999999, "status": "present"},
        format="json",
    )
    assert response.status_code == 400
    assert "member" in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/assemblies/",
        "/api/v1/assemblies/1/convene/",
        "/api/v1/assemblies/1/open/",
        "/api/v1/assemblies/1/attendance/",
        "/api/v1/assemblies/1/resolutions/",
        "/api/v1/resolutions/1/open/",
        "/api/v1/resolutions/1/close/",
    ],
)
def test_coordinator_endpoints_refuse_members_and_visitors(api_client, member, url):
    assert api_client.post(url, {}, format="json").status_code == 401
    api_client.force_authenticate(member)
    assert api_client.post(url, {}, format="json").status_code == 403


def test_pages_by_role(member, coordinator, people):
    from django.test import Client

    client, member_client, coordinator_client = Client(), Client(), Client()
    member_client.force_login(member)
    coordinator_client.force_login(coordinator)
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    draft = services.assembly_create(
        actor=coordinator, title="Brouillon", date=timezone.now() + datetime.timedelta(days=60)
    )
    pages = [
        f"/membres/assemblees/{assembly.pk}/",
        f"/membres/assemblees/{assembly.pk}/vote/",
        f"/membres/assemblees/{assembly.pk}/proces-verbal/",
        "/membres/assemblees/",
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # to the login page
        assert member_client.get(url).status_code in (200, 302)
    assert member_client.get(f"/membres/assemblees/{draft.pk}/").status_code == 404
    assert member_client.get(f"/membres/assemblees/{assembly.pk}/console/").status_code == 403
    assert member_client.post(f"/membres/assemblees/{assembly.pk}/close/").status_code == 403
    assert coordinator_client.get(f"/membres/assemblees/{assembly.pk}/console/").status_code == 200
    assert coordinator_client.get(f"/membres/assemblees/{draft.pk}/").status_code == 200


def test_member_gives_and_revokes_a_proxy_on_the_web(member_client, member, coordinator, people):
    assembly = services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    services.assembly_convene(actor=coordinator, assembly=assembly)
    page = member_client.get(f"/membres/assemblees/{assembly.pk}/").content.decode()
    assert "Donner mon pouvoir" in page
    member_client.post(f"/membres/assemblees/{assembly.pk}/pouvoir/", {"holder": people[0].pk})
    assert Proxy.objects.get(giver=member.membership, revoked_at__isnull=True).holder == people[0]
    member_client.post(f"/membres/assemblees/{assembly.pk}/pouvoir/", {"revoke": "1"})
    assert not Proxy.objects.filter(giver=member.membership, revoked_at__isnull=True).exists()


def test_live_vote_page_votes_for_self_and_proxy(member_client, member, coordinator, people):
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    services.proxy_give(
        actor=coordinator, assembly=assembly, giver=people[0], holder=member.membership
    )
    services.attendance_mark_present(
        actor=coordinator, assembly=assembly, membership=member.membership
    )
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    services.resolution_open(actor=coordinator, resolution=resolution)
    page = member_client.get(f"/membres/assemblees/{assembly.pk}/vote/").content.decode()
    assert "Mon vote" in page
    assert f"Pour {people[0].display_name}" in page
    member_client.post(f"/membres/resolutions/{resolution.pk}/vote/", {"choice": "yes"})
    member_client.post(
        f"/membres/resolutions/{resolution.pk}/vote/",
        {"choice": "no", "on_behalf_of": people[0].pk},
    )
    votes = dict(ResolutionVote.objects.values_list("member_id", "choice"))
    assert votes == {member.membership.pk: "yes", people[0].pk: "no"}
    response = member_client.post(
        f"/membres/resolutions/{resolution.pk}/vote/",
        {"choice": "yes", "on_behalf_of": people[1].pk},
        follow=True,
    )
    assert "pas de pouvoir" in response.content.decode()


@pytest.mark.parametrize("count", [4, 8])
def test_console_query_count_does_not_grow(
    coordinator_client,
    coordinator,
    membership_factory,
    colleges,
    count,
    django_assert_max_num_queries,
):
    members = [membership_factory(college=colleges["fondateurs"]) for _ in range(count * 5)]
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    for m in members[:count]:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    with django_assert_max_num_queries(16):
        assert (
            coordinator_client.get(f"/membres/assemblees/{assembly.pk}/console/").status_code == 200
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_votes_count_each_member_once(coordinator, colleges, membership_factory):
    voters = [
        membership_factory(college=colleges[slug], shares=1)
        for slug in ["fondateurs", "beneficiaires", "collectivites"] * 4
    ]
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    for m in voters[:3]:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    services.resolution_open(actor=coordinator, resolution=resolution)
    # every voter sends their vote three times at once
    work = [
        (
            lambda m=m: services.resolution_vote_cast(
                user=m.user, resolution=resolution, choice="yes"
            )
        )
        for m in voters
    ] * 3
    results = run_concurrently(work)
    assert not [r for r in results if isinstance(r, Exception)]
    assert ResolutionVote.objects.filter(resolution=resolution).count() == len(voters)
    closed = services.resolution_close(actor=coordinator, resolution=resolution)
    assert sum(c["yes"] for c in closed.result["colleges"]) == len(voters)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_vote_slips_in_after_close(coordinator, colleges, membership_factory):
    voters = [
        membership_factory(college=colleges[slug], shares=1)
        for slug in ["fondateurs", "beneficiaires", "collectivites"] * 3
    ]
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    resolution = services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    for m in voters:
        services.attendance_mark_present(actor=coordinator, assembly=assembly, membership=m)
    services.resolution_open(actor=coordinator, resolution=resolution)
    work = [
        (
            lambda m=m: services.resolution_vote_cast(
                user=m.user, resolution=resolution, choice="yes"
            )
        )
        for m in voters
    ]
    work.insert(4, lambda: services.resolution_close(actor=coordinator, resolution=resolution))
    run_concurrently(work)
    resolution.refresh_from_db()
    counted = sum(c["yes"] for c in resolution.result["colleges"])
    # whatever the interleaving, the stored result counts exactly the votes stored
    assert counted == ResolutionVote.objects.filter(resolution=resolution).count()


def _draft(coordinator):
    return services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )


def test_console_actions_redirect_with_a_flash(coordinator_client, coordinator, people):
    assembly = _draft(coordinator)
    url = f"/membres/assemblees/{assembly.pk}/"
    response = coordinator_client.post(url + "convene/", follow=True)
    assert response.redirect_chain == [(url + "console/", 302)]
    assert 'class="message message-success"' in response.content.decode()
    assert Assembly.objects.get(pk=assembly.pk).status == "convened"
    response = coordinator_client.post(
        url + "resolution/",
        {"title": "Comptes", "text": "Approuver les comptes", "majority": "simple"},
    )
    assert response.status_code == 302
    assert assembly.resolutions.get().title == "Comptes"


def test_a_console_step_out_of_order_is_the_console_again_with_409(
    coordinator_client, coordinator, people
):
    # Closing a draft: the console again, the message, 409; the assembly is as it was.
    assembly = _draft(coordinator)
    response = coordinator_client.post(f"/membres/assemblees/{assembly.pk}/close/")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'class="message message-error"' in html
    assert "AG" in html
    assert Assembly.objects.get(pk=assembly.pk).status == "draft"


def test_an_invalid_console_form_is_the_console_again_with_400(
    coordinator_client, coordinator, people
):
    assembly = _draft(coordinator)
    services.assembly_convene(actor=coordinator, assembly=assembly)
    url = f"/membres/assemblees/{assembly.pk}/"
    empty = coordinator_client.post(url + "resolution/", {"title": "Sans texte"})
    assert empty.status_code == 400
    assert 'value="Sans texte"' in empty.content.decode()
    assert not assembly.resolutions.exists()
    # Represented without a holder: the field says so; no proxy, no attendance.
    represented = coordinator_client.post(
        url + "attendance/", {"member": people[0].pk, "status": "represented"}
    )
    assert represented.status_code == 400
    assert 'class="errorlist"' in represented.content.decode()
    assert not Proxy.objects.exists()
    assert not assembly.attendances.exists()
    assert coordinator_client.post(url + "nimporte/").status_code == 404


def test_a_refused_proxy_is_the_assembly_page_again_with_409(
    member_client, member, coordinator, people
):
    # Once the assembly is open a member no longer gives a proxy: the page again, the
    # message, 409, and no proxy.
    assembly = services.assembly_create(
        actor=coordinator,
        title="AG",
        date=timezone.now(),
        convened_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    if assembly.status != "open":
        services.assembly_open(actor=coordinator, assembly=assembly)
    response = member_client.post(
        f"/membres/assemblees/{assembly.pk}/pouvoir/", {"holder": people[0].pk}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'class="message message-error"' in html
    assert "AG" in html
    assert not Proxy.objects.exists()
