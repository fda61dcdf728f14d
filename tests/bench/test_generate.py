"""The benchmark's history generator (``bench/generate.py``) writes rows the platform reads as its own: it loads
them with COPY, beside the services, so nothing but this test notices when a migration changes what a case or an
event must hold. A small history is generated here, in the test's transaction, and then read by the platform."""
import pytest

from bench.generate import OPEN_MIX, generate
from cases.integrity import verify_trails
from cases.models import Case, CaseEvent
from tests.cases.conftest import new_case
from tests.conftest import STREET_A

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_generated_history_is_one_the_platform_reads_verifies_and_continues(cast, api_as):
    made = generate(cases=60, days=30)

    assert made["cases"] == Case.objects.count() == 60
    assert made["events"] == CaseEvent.objects.count() == sum(Case.objects.values_list("event_count", flat=True))
    assert set(made["statuses"]) <= {status for status, _share in OPEN_MIX}
    checked, problems = verify_trails()
    assert checked == 60 and not problems, problems[:3]

    # A street's dispatcher lists the street's generated cases, and a new case takes the next number of its day.
    listed = api_as(cast.dispatcher_a).get("/api/v1/cases/", {"page_size": 200}).json()["results"]
    assert {row["number"] for row in listed} == set(
        Case.objects.filter(street__code=STREET_A).values_list("number", flat=True))
    assert listed
    numbers = set(Case.objects.values_list("number", flat=True))
    assert new_case(cast.worker_a).number not in numbers
