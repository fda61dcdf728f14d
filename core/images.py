"""Photos people send (a case's, a patrol check-in's): real images only, checked by their content before
anything is decoded, and size-limited (``CASE_ATTACHMENT_MAX_BYTES``, ``CASE_ATTACHMENT_MAX_PIXELS``)."""
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
               "GIF": ("image/gif", "gif")}


def _inspect_image(content: bytes) -> tuple[str, str]:
    """The image's type, read from its header: its pixels are counted before anything is decoded, and a decoder's
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
    return IMAGE_TYPES[image_format]


def inspect_photo(content: bytes) -> tuple[str, str]:
    """(content type, file extension) of an uploaded photo, or a ValidationError on ``file``."""
    if len(content) > settings.CASE_ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The photo is larger than %(mb)s MB.")
                               % {"mb": settings.CASE_ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    return _inspect_image(content)
