"""Photos people send (a case's, a patrol check-in's): real images only, checked by their content before
anything is decoded, and size-limited (``CASE_ATTACHMENT_MAX_BYTES``, ``CASE_ATTACHMENT_MAX_PIXELS``); kept without
their metadata (EXIF with its GPS position, XMP, comments: where a photo was taken is the record's, not the file's),
with a small thumbnail for the pages."""
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
               "GIF": ("image/gif", "gif")}
# How each type is written again. Pillow writes metadata only when told to (JPEG and GIF would copy a comment):
# nothing but the colour profile is passed on.
ENCODING = {"JPEG": {"quality": 90, "comment": b""}, "PNG": {}, "WEBP": {"quality": 90}, "GIF": {"comment": b""}}
THUMBNAIL_PIXELS = 320


@dataclass(frozen=True)
class Photo:
    content: bytes  # as kept: without metadata
    thumbnail: bytes  # JPEG, at most THUMBNAIL_PIXELS on its longer side
    content_type: str
    extension: str


def cleaned_photo(content: bytes) -> Photo:
    """The uploaded photo checked and cleaned, or a ValidationError on ``file``."""
    if len(content) > settings.CASE_ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The photo is larger than %(mb)s MB.")
                               % {"mb": settings.CASE_ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    image_format = _inspect_image(content)
    kept, thumbnail = _without_metadata(content, image_format)
    return Photo(kept, thumbnail, *IMAGE_TYPES[image_format])


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
