"""The concern button without JavaScript: a plain POST, then back to the project page."""

import pytest
from django.urls import reverse

from projects.models import ConcernFlag
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_button_is_a_plain_form_that_htmx_enhances(pioneer_client):
    project = ProjectFactory(status="submitted")
    url = reverse("projects:concern", args=[project.slug])
    html = pioneer_client.get(project.get_absolute_url()).content.decode()
    assert f'<form method="post" action="{url}" hx-post="{url}"' in html


def test_without_htmx_flagging_redirects_to_the_project(pioneer_client, pioneer):
    project = ProjectFactory(status="submitted")
    url = reverse("projects:concern", args=[project.slug])
    response = pioneer_client.post(url, {"concerned": "1"})
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert ConcernFlag.objects.filter(project=project, user=pioneer).exists()
    page = pioneer_client.get(response["Location"]).content.decode()
    assert 'aria-pressed="true"' in page
    off = pioneer_client.post(url, {"concerned": "0"})
    assert off.status_code == 302
    assert not ConcernFlag.objects.exists()


def test_with_htmx_flagging_answers_with_the_button_alone(pioneer_client, pioneer):
    project = ProjectFactory(status="submitted")
    url = reverse("projects:concern", args=[project.slug])
    response = pioneer_client.post(url, {"concerned": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.startswith('<div id="concern"')
    assert 'aria-pressed="true"' in html
    assert ConcernFlag.objects.filter(project=project, user=pioneer).exists()


def test_a_refused_flag_is_a_message_both_ways(client, member):
    # Only pioneers say a project concerns them: the refusal comes back in place (htmx)
    # or as a message on the project page rendered again (no JavaScript), status 403.
    project = ProjectFactory(status="submitted")
    client.force_login(member)
    url = reverse("projects:concern", args=[project.slug])
    plain = client.post(url, {"concerned": "1"})
    assert plain.status_code == 403
    assert 'class="message message-error"' in plain.content.decode()
    assert project.title in plain.content.decode()
    assert not ConcernFlag.objects.exists()
    htmx = client.post(url, {"concerned": "1"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert 'role="alert"' in htmx.content.decode()
    assert not ConcernFlag.objects.exists()
