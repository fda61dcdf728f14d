"""Photos: real images only (checked by content), size-limited, recorded in the trail."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Attachment

from .conftest import STATION_A, act, trail

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(api_as, user, case, content, name="photo.png", **extra):
    return api_as(user).post(f"/api/v1/cases/{case.number}/attachments/",
                             {"file": SimpleUploadedFile(name, content), **extra}, format="multipart")


def test_before_and_after_photos(api_as, cast, small_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(api_as, cast.worker_a, small_case, png_bytes())
    assert response.status_code == 201, response.content
    assert response.json()["stage"] == "before" and response.json()["content_type"] == "image/png"
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    act(cast.station_a, small_case, "accept")
    assert upload(api_as, cast.station_a, small_case, png_bytes()).json()["stage"] == "after"
    listed = api_as(cast.dispatcher_a).get(f"/api/v1/cases/{small_case.number}/attachments/").json()
    assert [a["stage"] for a in listed] == ["before", "after"]
    assert trail(small_case).count(("attach", "collected", "collected", "small")) == 1


@pytest.mark.parametrize("content,name", [(b"MZ\x90\x00 not an image", "photo.png"), (b"", "photo.jpg"),
                                          (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo.svg")])
def test_files_that_are_not_images_are_refused(api_as, cast, small_case, content, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(api_as, cast.worker_a, small_case, content, name=name)
    assert response.status_code == 400 and "file" in response.json()
    assert not Attachment.objects.filter(case=small_case).exists()


def test_oversized_photos_are_refused(api_as, cast, small_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_ATTACHMENT_MAX_BYTES = 100
    response = upload(api_as, cast.worker_a, small_case, png_bytes((64, 64)))
    assert response.status_code == 400 and "MB" in str(response.json()["file"])


def test_outsiders_and_read_only_roles_cannot_add_photos(api_as, cast, small_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert upload(api_as, cast.dispatcher_b, small_case, png_bytes()).status_code == 404
    assert upload(api_as, cast.auditor, small_case, png_bytes()).status_code == 403
