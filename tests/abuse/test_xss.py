"""Known XSS payloads through every field a member writes and others read: the page
that shows it must contain nothing a browser would run (no script without our nonce,
no event handler attribute, no javascript:/data: address, no svg/iframe/object).

Values are stored directly, as an import, the admin or an old version could have
stored them: what is judged is the rendering, the last line of defence."""

import datetime

import pytest
from django.utils import timezone

from governance.assemblies import services as assembly_services
from marketplace.models import ExchangeMessage
from projects.models import Comment
from tests.abuse.html_safety import executable_content
from tests.factories import (
    ExchangeFactory,
    MembershipFactory,
    PioneerFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert('xss')>",
    '<img src="x" onerror="alert(\'xss\')"/>',
    "<svg onload=alert('xss')>",
    "<svg><script>alert('xss')</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')>",
    "<iframe src=\"javascript:alert('xss')\"></iframe>",
    "<object data=\"data:text/html,<script>alert('xss')</script>\"></object>",
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "<a href=\"javascript:alert('xss')\">clic</a>",
    "<a href=\"jav&#x09;ascript:alert('xss')\">clic</a>",
    "<a href='&#x6A;avascript:alert(1)'>clic</a>",
    '<a href="http://ok.example" onclick="alert(\'xss\')">clic</a>',
    "<body onload=alert('xss')>",
    "<details open ontoggle=alert('xss')>",
    "<div style=\"background:url(javascript:alert('xss'))\">x</div>",
    "<form action=\"javascript:alert('xss')\"><button>go</button></form>",
    "<base href=\"javascript:alert('xss')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss\')">',
    "<scr<script>ipt>alert('xss')</scr</script>ipt>",
    "<<script>script>alert('xss')//<</script>/script>",
    "\"><script>alert('xss')</script>",
    "'><img src=x onerror=alert('xss')>",
    "</textarea><script>alert('xss')</script>",
    "<!--<script>alert('xss')</script>-->",
    "[clic](javascript:alert('xss'))",
    "[clic](JaVaScRiPt:alert('xss'))",
    "[clic](  javascript:alert('xss'))",
    "[clic](javascript&colon;alert('xss'))",
    "[clic](&#106;avascript:alert('xss'))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzJyk8L3NjcmlwdD4=)",
    "[clic](vbscript:msgbox('xss'))",
    "![image](javascript:alert('xss'))",
    "![image](x\" onerror=\"alert('xss'))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[clic][ref]\n\n[ref]: javascript:alert('xss')",
    "<http://ok.example\" onmouseover=\"alert('xss')>",
    "`<script>alert('xss')</script>`",
    "```\n<script>alert('xss')</script>\n```",
    "| a |\n|---|\n| <img src=x onerror=alert('xss')> |",
    "> <script>alert('xss')</script>",
]


def _assert_clean(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    problems = executable_content(response.content.decode())
    assert not problems, problems


@pytest.fixture
def author(member):
    return member


def test_the_checker_catches_the_payloads_left_raw():
    # The checker is tested too: the HTML payloads, put raw in a page, are caught.
    raw = [p for p in PAYLOADS if p.startswith("<") and not p.startswith(("<!--", "<http"))]
    missed = [p for p in raw if not executable_content(p)]
    assert missed == ["<scr<script>ipt>alert('xss')</scr</script>ipt>"] or not missed
    assert len(raw) - len(missed) >= 20


def test_project_description_and_comments(coordinator_client, member):
    project = ProjectFactory(status="selected")
    comment = Comment.objects.create(project=project, author=member, body="…")
    for payload in PAYLOADS:
        project.description = f"Intro\n\n{payload}\n\nFin"
        project.summary = payload
        project.save(update_fields=["description", "summary"])
        comment.body = payload
        comment.save(update_fields=["body"])
        _assert_clean(coordinator_client, project.get_absolute_url())
        _assert_clean(coordinator_client, "/projets/")


def test_project_description_in_the_api(api_client):
    project = ProjectFactory(status="selected")
    for payload in PAYLOADS:
        project.description = payload
        project.save(update_fields=["description"])
        body = api_client.get(f"/api/v1/projects/{project.pk}/").json()
        assert not executable_content(body["description_html"]), payload


def test_pioneer_solution_and_links(coordinator_client):
    pioneer = PioneerFactory()
    for payload in PAYLOADS:
        pioneer.solution_description = payload
        pioneer.solution_title = payload[:200]
        pioneer.display_name = payload[:150]
        pioneer.website_url = "javascript:alert('xss')"
        pioneer.video_url = " JaVa\tScRiPt:alert('xss')"
        pioneer.save()
        _assert_clean(coordinator_client, f"/pionniers/{pioneer.pk}/")
        _assert_clean(coordinator_client, "/pionniers/")


def test_listing_description_and_exchange_messages(client):
    exchange = ExchangeFactory()
    listing = exchange.listing
    message = ExchangeMessage.objects.create(
        exchange=exchange, author=exchange.giver.user, body="…"
    )
    client.force_login(exchange.giver.user)
    for payload in PAYLOADS:
        listing.description = payload
        listing.title = payload[:120]
        listing.save()
        message.body = payload
        message.save(update_fields=["body"])
        _assert_clean(client, f"/marche/annonces/{listing.pk}/")
        _assert_clean(client, f"/marche/echanges/{exchange.pk}/")
        _assert_clean(client, "/marche/")


def test_assembly_and_resolution_text(coordinator_client, coordinator, member):
    assembly = assembly_services.assembly_create(
        actor=coordinator, title="AG", date=timezone.now() + datetime.timedelta(days=30)
    )
    resolution = assembly_services.resolution_create(
        actor=coordinator, assembly=assembly, title="R", text="T"
    )
    for payload in PAYLOADS:
        assembly.description = payload
        assembly.online_url = "javascript:alert('xss')"
        assembly.save()
        resolution.text = payload
        resolution.title = payload[:200]
        resolution.save()
        _assert_clean(coordinator_client, f"/membres/assemblees/{assembly.pk}/")
        _assert_clean(coordinator_client, f"/membres/assemblees/{assembly.pk}/console/")


def test_public_contribution_message(client, coordinator):
    from marketplace.services.contributions import contribution_manual_create

    contribution = contribution_manual_create(
        actor=coordinator,
        project=None,
        method="cash",
        amount_cents=1500,
        received_on=timezone.localdate(),
        reference="CASH-XSS",
        name="Camille",
        public=True,
        message="…",
    )
    for payload in PAYLOADS:
        contribution.message = payload
        contribution.name = payload[:100]
        contribution.save(update_fields=["message", "name"])
        _assert_clean(client, "/fonds/")


def test_vote_description_and_option_labels(member_client, coordinator, colleges):
    from tests.governance.votes_helpers import make_vote

    vote = make_vote(coordinator, secret=False)
    option = vote.options.first()
    for payload in PAYLOADS:
        vote.description = payload
        vote.title = payload[:200]
        vote.save()
        option.label = payload[:200]
        option.save()
        _assert_clean(member_client, f"/membres/votes/{vote.pk}/")
        _assert_clean(member_client, f"/membres/votes/{vote.pk}/bulletin/")


def test_a_member_profile_name_everywhere(coordinator_client):
    membership = MembershipFactory()
    user = membership.user
    for payload in PAYLOADS[:12]:
        user.first_name = payload[:150]
        user.last_name = payload[:150]
        user.save()
        _assert_clean(coordinator_client, "/membres/")
