"""The survey company's file (第三方社会评价): every row checked first; one bad row rejects the file whole,
and each bad row is reported; a good file feeds the third-party component."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from evaluation.models import SubjectResult, SurveyImport, SurveyResult
from evaluation.services import run_compute
from tests.conftest import GRID_A, STREET_A

pytestmark = pytest.mark.django_db
URL = "/api/v1/evaluation/surveys/"
GOOD_CSV = (f"单位代码,单位名称,样本量,满意数,环境卫生,服务态度\n"
            f"{GRID_A},学院路第01社区网格,100,90,88,92.5\n"
            f"{STREET_A},学院路街道,400,352,85,\n"
            f"urban_enforcement,城管大队,200,150,80,70\n"
            f"urban_enforcement-110108009,学院路城管分队,50,45,90,95\n").encode()


@pytest.fixture(autouse=True)
def english(settings):
    """The API speaks the site language; these tests read its messages in English."""
    settings.LANGUAGE_CODE = "en"


def upload(api_as, user, content: bytes, name="survey.csv", period="2026H1"):
    return api_as(user).post(URL, {"period": period, "file": SimpleUploadedFile(name, content)}, format="multipart")


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_imports_a_csv_with_chinese_headers(api_as, cast):
    response = upload(api_as, cast.evaluator, GOOD_CSV)
    assert response.status_code == 201, response.json()
    assert response.json()["row_count"] == 4 and response.json()["questions"] == ["环境卫生", "服务态度"]
    grid = SurveyResult.objects.get(subject_code=GRID_A)
    assert (grid.subject_kind, grid.sample_size, grid.satisfied) == ("grid", 100, 90)
    assert grid.question_scores == {"环境卫生": "88.00", "服务态度": "92.50"} and grid.mean_score == Decimal("90.25")
    street = SurveyResult.objects.get(subject_code=STREET_A)
    assert street.question_scores == {"环境卫生": "85.00"}  # an empty cell: the question was not asked there


def test_it_imports_an_xlsx(api_as, cast):
    content = xlsx([["unit", "sample_size", "satisfied", "q1"], [GRID_A, 120, 96, 90], ["police", 30, 27, None]])
    response = upload(api_as, cast.evaluator, content, name="第三方测评.xlsx")
    assert response.status_code == 201, response.json()
    assert SurveyResult.objects.get(subject_code="police").subject_kind == "department"


def test_a_file_with_bad_rows_is_rejected_whole_and_each_bad_row_reported(api_as, cast):
    content = (f"unit,sample_size,satisfied,q1\n"
               f"{GRID_A},100,90,88\n"  # good
               f"999999999999999,100,90,88\n"  # row 3: unknown unit
               f"{STREET_A},100,120,88\n"  # row 4: more satisfied than asked
               f"police,0,0,101\n"  # row 5: empty sample, score out of range
               f"{GRID_A},50,40,70\n"  # row 6: the grid again
               f"health,abc,1.5,x\n").encode()  # row 7: not numbers
    response = upload(api_as, cast.evaluator, content)
    assert response.status_code == 400
    messages = response.json()["file"]
    assert [message.split(":")[0] for message in messages] == ["Row 3", "Row 4", "Row 5", "Row 6", "Row 7"]
    assert "999999999999999" in messages[0] and "satisfied" in messages[1] and "already on row 2" in messages[3]
    assert "sample_size" in messages[2] and "q1" in messages[2]
    assert not SurveyImport.objects.exists() and not SurveyResult.objects.exists()


@pytest.mark.parametrize(("content", "name"), [
    (b"", "empty.csv"),
    (b"unit,sample_size\n110108009001001,10\n", "missing.csv"),  # no satisfied column
    (b"unit,sample_size,satisfied\n", "header-only.csv"),
    (b"PK\x03\x04 not really a workbook", "broken.xlsx"),
    (b"unit,sample_size,satisfied,q,q\n110108009001001,10,5,1,2\n", "twice.csv"),
    ("unit,sample_size,satisfied\n110108009001001,10,5\n".encode("utf-16"), "utf16.csv"),
    (b"unit,sample_size,satisfied,q\x00\n110108009001001,10,5,1\n", "nul.csv"),
])
def test_unreadable_files_are_refused_with_a_message(api_as, cast, content, name):
    response = upload(api_as, cast.evaluator, content, name=name)
    assert response.status_code == 400 and response.json().get("file"), response.json()
    assert not SurveyImport.objects.exists()


def test_bad_form_fields_are_400_and_other_roles_403(api_as, cast):
    assert upload(api_as, cast.evaluator, GOOD_CSV, period="2026H3").status_code == 400
    response = api_as(cast.evaluator).post(URL, {"period": "2026H1"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert upload(api_as, cast.dispatcher_a, GOOD_CSV).status_code == 403
    assert upload(api_as, cast.commander, GOOD_CSV).status_code == 403
    assert not SurveyImport.objects.exists()


def test_the_latest_import_feeds_the_third_party_component(api_as, cast):
    upload(api_as, cast.evaluator, b"unit,sample_size,satisfied\n110108009001001,100,50\n")
    upload(api_as, cast.evaluator, GOOD_CSV)  # the latest import of the period counts
    run = run_compute(period_code="2026H1")
    grid = SubjectResult.objects.get(run=run, kind="grid", code=GRID_A)
    assert (grid.survey_sample, grid.survey_satisfied, grid.survey_share) == (100, 90, Decimal("0.9000"))
    assert grid.components["survey"] == "90.00" and grid.composite == Decimal("90.00")  # nothing else is defined
    assert run.inputs["survey"]["id"] == SurveyImport.objects.order_by("-id").first().pk
