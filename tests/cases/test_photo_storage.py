"""Photos as stored: without their metadata (the case keeps the place), upright, with a 320-pixel thumbnail beside
them, and handed out only to those who may see the case: by the app from the filesystem, as a short-lived presigned
URL from object storage."""
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from cases.models import Attachment

from .conftest import fetch

pytestmark = pytest.mark.django_db

ORIENTATION_TURNED = 6  # EXIF: the camera was held upright; shown turned 90° clockwise


def phone_photo(size=(1000, 600)) -> bytes:
    """A JPEG as a phone writes it: maker, model, time, GPS position and orientation in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model X"
    exif[ExifTags.Base.Orientation] = ORIENTATION_TURNED
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (39.0, 59.0, 10.0),
                                  ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (116.0, 18.0, 5.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG", exif=exif, comment=b"taken at home")
    return buffer.getvalue()


def upload(api_as, user, case, content):
    response = api_as(user).post(f"/api/v1/cases/{case.number}/attachments/",
                                 {"file": SimpleUploadedFile("photo.jpg", content)}, format="multipart")
    assert response.status_code == 201, response.content
    return Attachment.objects.get(pk=response.json()["id"]), response.json()


def assert_without_metadata(content: bytes) -> None:
    assert b"Exif" not in content and b"PhoneMaker" not in content and b"taken at home" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif() and "comment" not in image.info


def test_the_phone_sample_carries_what_must_go():
    content = phone_photo()
    with Image.open(io.BytesIO(content)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert b"PhoneMaker" in content


def test_a_photo_is_stored_upright_without_its_metadata_with_a_thumbnail(api_as, cast, small_case, settings,
                                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment, answer = upload(api_as, cast.worker_a, small_case, phone_photo())
    stored = attachment.file.read()
    assert_without_metadata(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (600, 1000)  # turned as the orientation said, since the orientation is gone
    assert answer["size"] == len(stored) and answer["sha256"] == attachment.sha256
    assert attachment.thumbnail.name == attachment.file.name.rsplit(".", 1)[0] + "-thumb.jpg"
    with Image.open(attachment.thumbnail) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (192, 320))
    assert answer["thumbnail_url"].endswith(reverse("cases:photo-thumbnail", args=[small_case.number,
                                                                                   attachment.pk]))


def test_transparent_and_animated_images_keep_their_type(api_as, cast, small_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"secret")
    attachment, _answer = upload(api_as, cast.worker_a, small_case, buffer.getvalue())
    with Image.open(attachment.file) as image:
        assert (image.format, image.n_frames) == ("GIF", 3) and "comment" not in image.info
    buffer = io.BytesIO()
    Image.new("RGBA", (500, 500), (0, 0, 0, 0)).save(buffer, "PNG")
    attachment, _answer = upload(api_as, cast.worker_a, small_case, buffer.getvalue())
    with Image.open(attachment.thumbnail) as thumbnail:
        assert thumbnail.getpixel((5, 5)) == (255, 255, 255)  # transparency over white


def test_the_case_page_shows_thumbnails_served_by_the_app_to_those_who_see_the_case(
        client, api_as, cast, small_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment, _answer = upload(api_as, cast.worker_a, small_case, phone_photo())
    photo = reverse("cases:photo", args=[small_case.number, attachment.pk])
    thumbnail = reverse("cases:photo-thumbnail", args=[small_case.number, attachment.pk])
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:detail", args=[small_case.number])).content.decode()
    assert f'href="{photo}"' in page and f'src="{thumbnail}"' in page
    response = client.get(thumbnail)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == attachment.thumbnail.read()
    client.force_login(cast.dispatcher_b)
    assert client.get(photo).status_code == 404 and client.get(thumbnail).status_code == 404


def test_on_object_storage_a_reader_is_sent_to_a_short_lived_url_and_an_outsider_to_nothing(
        client, api_as, cast, small_case, object_storage, settings):
    attachment, _answer = upload(api_as, cast.worker_a, small_case, phone_photo())
    bucket = object_storage.connection.meta.client
    kept = bucket.get_object(Bucket=object_storage.bucket_name, Key=attachment.file.name)["Body"].read()
    assert_without_metadata(kept)
    thumbnail_key = attachment.file.name.rsplit(".", 1)[0] + "-thumb.jpg"
    assert attachment.thumbnail.name == thumbnail_key
    assert bucket.head_object(Bucket=object_storage.bucket_name, Key=thumbnail_key)["ContentLength"] > 0

    photo = reverse("cases:photo", args=[small_case.number, attachment.pk])
    thumbnail = reverse("cases:photo-thumbnail", args=[small_case.number, attachment.pk])
    client.force_login(cast.dispatcher_a)
    response = client.get(photo)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(settings.S3_ENDPOINT_URL or "https://")
    signed = parse_qs(urlsplit(url).query)
    assert signed["X-Amz-Expires"] == [str(settings.STORAGE_URL_SECONDS)] and "X-Amz-Signature" in signed
    assert fetch(url) == kept
    with Image.open(io.BytesIO(fetch(client.get(thumbnail)["Location"]))) as image:
        assert image.size == (192, 320)

    client.force_login(cast.dispatcher_b)
    for path in (photo, thumbnail):
        refused = client.get(path)
        assert refused.status_code == 404 and "Location" not in refused
    client.logout()
    anonymous = client.get(photo)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
