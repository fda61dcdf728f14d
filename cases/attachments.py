"""Photos of a case: real images only (checked by their content), size-limited, each recorded in
the case's trail. A photo is stored without its metadata (EXIF, XMP, comments: where and when a phone took it,
which phone): the case records its own place, and a photo handed to a resident or the press should not tell
more. A 320-pixel thumbnail is stored beside it for the case page."""
import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.images import Photo, cleaned_photo

from . import selectors
from .journal import Journal
from .models import Attachment, Case
from .workflow import ATTACH, OPEN, Status


@transaction.atomic
def case_attach(*, actor, number: str, content: bytes, stage: str | None = None,
                now: dt.datetime | None = None) -> Attachment:
    """Add a before/after photo. The content is checked (a real image, within the size limit)."""
    photo = cleaned_photo(content)
    return _attach(selectors.case_locked_for(actor, number), actor, photo, stage, now or timezone.now())


@transaction.atomic
def case_attach_public(*, case: Case, content: bytes, now: dt.datetime | None = None) -> Attachment:
    """The photo a resident sends with their report (the case was created in the same request)."""
    photo = cleaned_photo(content)
    case = Case.objects.select_for_update().get(pk=case.pk)
    return _attach(case, None, photo, Attachment.Stage.BEFORE, now or timezone.now())


def _attach(case, actor, photo: Photo, stage, now) -> Attachment:
    if case.status not in OPEN and case.status != Status.CLOSED:
        raise Conflict(_("Photos can no longer be added to this case."), code="wrong_state")
    if stage is None:
        stage = Attachment.Stage.AFTER if case.status in (Status.HANDLING, Status.FED_BACK) else Attachment.Stage.BEFORE
    if stage not in Attachment.Stage.values:
        raise ValidationError({"stage": _("Stage is “before” or “after”.")})
    digest = hashlib.sha256(photo.content).hexdigest()  # of the file as kept
    attachment = Attachment(case=case, stage=stage, content_type=photo.content_type, extension=photo.extension,
                            size=len(photo.content), sha256=digest, uploaded_by=actor)
    attachment.file.save(f"{stage}.{photo.extension}", ContentFile(photo.content), save=False)
    attachment.thumbnail.save("thumb.jpg", ContentFile(photo.thumbnail), save=False)
    attachment.save()
    journal = Journal(now)
    journal.note(case, ATTACH, actor=actor, label="" if actor else case.reporter_name or "public",
                 from_status=case.status, from_tier=case.tier,
                 payload={"stage": stage, "sha256": digest, "size": len(photo.content)})
    journal.write(fields=[])  # a photo changes nothing on the case but its trail and version
    return attachment
