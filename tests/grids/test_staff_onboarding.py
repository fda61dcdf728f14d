"""create_staff and the CSV/XLSX import: good rows land with their scope; one bad row lands nothing."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from core.scoping import scope_of
from grids.models import StaffProfile
from tests.conftest import GRID_A, STREET_A

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield

GOOD_CSV = (
    "username,full_name,role,grid,department,post,phone,duties,listed_publicly\n"
    f"zhang3,张三,grid_worker,{GRID_A},,general,13900000001,网格巡查,是\n"
    f"li4,李四,社区工作站人员,{GRID_A},,head,13900000002,社区服务,yes\n"
    f"wang5,王五,street_dispatcher,{STREET_A},,,13900000003,调度,no\n"
    "zhao6,赵六,department_handler,,police,,13900000004,治安,1\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_create_staff_gives_role_group_and_scope():
    call_command("create_staff", "newbie", "--role", "street_dispatcher", "--grid", STREET_A,
                 "--password", "Grid-Worker-2026!", stdout=io.StringIO())
    user = User.objects.get(username="newbie")
    assert user.check_password("Grid-Worker-2026!")
    assert user.groups.filter(name="street_dispatcher").exists()
    assert scope_of(user).grid_codes == (STREET_A,)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "grid_worker", "--grid", "110108999999999"], "grid"),
        (["--role", "grid_worker", "--grid", STREET_A], "third-level"),
        (["--role", "street_dispatcher", "--grid", GRID_A], "9-digit"),
        (["--role", "department_handler", "--department", "nope"], "department"),
        (["--role", "department_handler"], "department"),
    ],
)
def test_create_staff_refuses_bad_input_with_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", "bad", *args, "--password", "Grid-Worker-2026!", stdout=io.StringIO())
    assert not User.objects.filter(username="bad").exists()


def test_create_staff_refuses_weak_passwords_and_taken_names(cast):
    with pytest.raises(CommandError, match="password"):
        call_command("create_staff", "weak", "--role", "auditor", "--password", "123", stdout=io.StringIO())
    with pytest.raises(CommandError, match="taken"):
        call_command("create_staff", "worker_a", "--role", "auditor", "--password", "Grid-Worker-2026!",
                     stdout=io.StringIO())


def test_unknown_role_is_an_argument_error():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_staff", "x", "--role", "mayor", "--password", "Grid-Worker-2026!")


def test_csv_import_creates_everyone_with_their_scope(tmp_path):
    out = io.StringIO()
    call_command("import_staff", write(tmp_path, "staff.csv", GOOD_CSV), stdout=out)
    assert "Imported 4" in out.getvalue()
    li4 = StaffProfile.objects.get(user__username="li4")
    assert li4.role == "community_staff" and li4.post == "head" and li4.full_name == "李四"
    assert StaffProfile.objects.get(user__username="wang5").listed_publicly is False
    assert scope_of(User.objects.get(username="zhao6")).department_ids
    assert not User.objects.get(username="zhang3").has_usable_password()


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(tmp_path):
    bad = GOOD_CSV + (
        "qian7,钱七,mayor,,,,,,\n"  # row 6: unknown role
        f"zhang3,张三二,grid_worker,{GRID_A},,,,,\n"  # row 7: repeats row 2's username
        ",无名,grid_worker,110108009999999,,,,,\n"  # row 8: no username, unknown grid
        f"sun8,孙八,grid_worker,{GRID_A},,boss,,,maybe\n"  # row 9: bad post and listed flag
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_staff", write(tmp_path, "staff.csv", bad), stderr=err)
    report = err.getvalue()
    for expected in ("6, role", "7, username", "8, username", "8, grid", "9, post", "9, listed_publicly"):
        assert expected.replace(", ", ", ") in report.replace("row ", ""), report
    assert not User.objects.filter(username__in=["zhang3", "li4", "wang5", "zhao6", "sun8"]).exists()


def test_xlsx_import_works_like_csv(tmp_path):
    book = Workbook()
    sheet = book.active
    for line in GOOD_CSV.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "staff.xlsx"
    book.save(path)
    call_command("import_staff", path, stdout=io.StringIO())
    assert StaffProfile.objects.filter(user__username__in=["zhang3", "li4", "wang5", "zhao6"]).count() == 4


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("staff.xlsx", b"not a workbook", "XLSX"),
        ("staff.txt", b"username\nx\n", ".csv and .xlsx"),
        ("staff.csv", b"\xff\xfe\x00bad", "UTF-8"),
        ("staff.csv", "姓名,角色\n张三,grid_worker\n".encode(), "username"),
        ("staff.csv", b"", "empty"),
    ],
)
def test_unreadable_files_get_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_staff", path, stderr=err)
    assert message in err.getvalue()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_staff", tmp_path / "absent.csv")


def test_errors_speak_chinese_by_default(tmp_path):
    with translation.override("zh-hans"), pytest.raises(CommandError):
        call_command("import_staff", write(tmp_path, "staff.csv", "username,full_name,role\nx,某,mayor\n"),
                     stderr=(err := io.StringIO()))
    assert "第 2 行" in err.getvalue() and "不是有效值" in err.getvalue()
