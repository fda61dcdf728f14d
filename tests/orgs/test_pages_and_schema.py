"""Every orgs page renders for its roles and refuses the anonymous; every endpoint is in the
schema; the demo data reproduces the source's figures and loads twice without change."""
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from orgs.models import Award, PurchaseProject, SocialOrganisation
from orgs.seeding import seed

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/orgs/", "/orgs/new/", "/orgs/incubation/", "/orgs/purchases/", "/orgs/awards/", "/orgs/complaints/"]


def test_staff_pages_render_for_the_roles_that_use_them(client, cast):
    for user in (cast.dispatcher_a, cast.commander, cast.auditor):
        client.force_login(user)
        for url in STAFF_PAGES:
            status = client.get(url).status_code
            assert status in ((200, 403) if url == "/orgs/new/" else (200,)), (user.username, url, status)
    client.force_login(cast.station_a)
    assert client.get("/orgs/").status_code == 403


def test_anonymous_visitors_reach_only_the_public_pages(client):
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get("/orgs/public/").status_code == 200


def test_every_endpoint_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/orgs/organisations/", "/api/v1/orgs/organisations/{id}/act/",
                 "/api/v1/orgs/incubation/sites/occupancy/", "/api/v1/orgs/incubation/tenancies/",
                 "/api/v1/orgs/incubation/services/", "/api/v1/orgs/catalogue/", "/api/v1/orgs/projects/totals/",
                 "/api/v1/orgs/projects/{id}/milestones/", "/api/v1/orgs/awards/totals/",
                 "/api/v1/orgs/complaints/{id}/act/", "/api/v1/orgs/public/organisations/",
                 "/api/v1/orgs/public/projects/", "/api/v1/orgs/public/complaints/"):
        assert path in schema, path


def test_the_demo_data_reproduces_the_sources_figures(client, cast):
    seed(demo=True)
    registered = SocialOrganisation.objects.filter(kind__in=["social_group", "private_non_enterprise"],
                                                   status="active").count()
    filed = SocialOrganisation.objects.filter(kind="community", status="filed").count()
    assert (registered, filed) == (729, 2288)
    assert SocialOrganisation.objects.filter(status="applied", is_overdue=False).exists()
    projects = PurchaseProject.objects.filter(code__startswith="gp-")
    assert projects.count() == 117 and projects.aggregate(t=Sum("budget"))["t"] > Decimal("10000000")
    last_year = timezone.localdate().year - 1
    assert Award.objects.filter(year=last_year).aggregate(t=Sum("amount"))["t"] == Decimal("1200000")
    assert not seed(demo=True).changed_anything
    client.force_login(cast.commander)
    for url in STAFF_PAGES + ["/orgs/public/"]:
        assert client.get(url).status_code == 200, url
