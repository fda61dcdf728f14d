"""Photos of a case: real images only (checked by their content), size-limited, each recorded in
the case's trail. A photo is stored without its metadata (EXIF, XMP, comments: where and when a phone took it,
which phone): the case records its own place, and a photo handed to a resident or the press should not tell
more. A 320-pixel thumbnail is stored beside it for the case page."""
import datetime as dt
import hashlib
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import Conflict

from . import selectors
from .journal import Journal
from .models import Attachment, Case
from .workflow import ATTACH, OPEN, Status

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
               "GIF": ("image/gif", "gif")}
# How each type is written again. Pillow writes metadata only when told to (JPEG and GIF would copy a comment):
# nothing but the colour profile is passed on.
ENCODING = {"JPEG": {"quality": 90, "comment": b""}, "PNG": {}, "WEBP": {"quality": 90}, "GIF": {"comment": b""}}
THUMBNAIL_PIXELS = 320


def _without_metadata(content: bytes, image_format: str) -> tuple[bytes, bytes]:
    """The photo as stored, and its thumbnail. The orientation is part of the EXIF that goes, so a photo is turned
    upright first (an animation keeps its frames as they are)."""
    with Image.open(io.BytesIO(content)) as image:
        animated = getattr(image, "n_frames", 1) > 1
        upright = image if animated else ImageOps.exif_transpose(image)
        stored = io.BytesIO()
        options = {**ENCODING[image_format], "icc_profile": image.info.get("icc_profile")}
        upright.save(stored, format=image_format, save_all=animated, **options)
        return stored.getvalue(), _thumbnail(upright)


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
    if small.mode != "RGB":  # transparency over white, palettes and greyscale as colour: what JPEG holds
        small = small.convert("RGBA")
        backdrop = Image.new("RGB", small.size, (255, 255, 255))
        backdrop.paste(small, mask=small.getchannel("A"))
        small = backdrop
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _inspect_image(content: bytes) -> str:
    """The image's format, read from its header: its pixels are counted before anything is decoded, and a decoder's
    complaint (a truncated file, a decompression bomb) is the sender's error, never a 500."""
    too_large = ValidationError({"file": _("The photo has more than %(mp)s megapixels.")
                                 % {"mp": settings.CASE_ATTACHMENT_MAX_PIXELS // 1_000_000}})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format, (width, height) = image.format, image.size
                if width * height > settings.CASE_ATTACHMENT_MAX_PIXELS:
                    raise too_large
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError({"file": _("The file is not an image (JPEG, PNG, WebP or GIF).")}) from error
    if image_format not in IMAGE_TYPES:
        raise ValidationError({"file": _("The file is not an image (JPEG, PNG, WebP or GIF).")})
    return image_format


@transaction.atomic
def case_attach(*, actor, number: str, content: bytes, stage: str | None = None,
                now: dt.datetime | None = None) -> Attachment:
    """Add a before/after photo. The content is checked (a real image, within the size limit)."""
    image_format = _inspect_upload(content)
    case = selectors.with_relations(Case.objects.select_for_update(of=("self",))).filter(
        pk__in=Case.objects.visible_to(actor).filter(number=number).values("pk")).first()
    if case is None:
        raise Http404(_("No case %(number)s.") % {"number": number})
    return _attach(case, actor, content, image_format, stage, now or timezone.now())


@transaction.atomic
def case_attach_public(*, case: Case, content: bytes, now: dt.datetime | None = None) -> Attachment:
    """The photo a resident sends with their report (the case was created in the same request)."""
    image_format = _inspect_upload(content)
    case = Case.objects.select_for_update().get(pk=case.pk)
    return _attach(case, None, content, image_format, Attachment.Stage.BEFORE, now or timezone.now())


def _inspect_upload(content: bytes) -> str:
    if len(content) > settings.CASE_ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The photo is larger than %(mb)s MB.")
                               % {"mb": settings.CASE_ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    return _inspect_image(content)


def _attach(case, actor, content, image_format, stage, now) -> Attachment:
    if case.status not in OPEN and case.status != Status.CLOSED:
        raise Conflict(_("Photos can no longer be added to this case."), code="wrong_state")
    if stage is None:
        stage = Attachment.Stage.AFTER if case.status in (Status.HANDLING, Status.FED_BACK) else Attachment.Stage.BEFORE
    if stage not in Attachment.Stage.values:
        raise ValidationError({"stage": _("Stage is “before” or “after”.")})
    content, thumbnail = _without_metadata(content, image_format)
    content_type, extension = IMAGE_TYPES[image_format]
    digest = hashlib.sha256(content).hexdigest()  # of the file as kept
    attachment = Attachment(case=case, stage=stage, content_type=content_type, extension=extension,
                            size=len(content), sha256=digest, uploaded_by=actor)
    attachment.file.save(f"{stage}.{extension}", ContentFile(content), save=False)
    attachment.thumbnail.save("thumb.jpg", ContentFile(thumbnail), save=False)
    attachment.save()
    journal = Journal(now)
    journal.note(case, ATTACH, actor=actor, label="" if actor else case.reporter_name or "public",
                 from_status=case.status, from_tier=case.tier,
                 payload={"stage": stage, "sha256": digest, "size": len(content)})
    journal.write(fields=[])  # a photo changes nothing on the case but its trail and version
    return attachment
