import datetime as dt
import functools

import chinese_calendar
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords


class AppendOnlyQuerySet(models.QuerySet):
    """Rows written once: the application never updates or deletes them in bulk either."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are written once and never changed.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are written once and never deleted.")


class AppendOnlyModel(models.Model):
    """A record that is inserted once and never changed or deleted (an audit trail, a frozen
    result). The application refuses; on PostgreSQL a trigger of the app's migrations refuses too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are written once and never deleted.")


class CalendarDay(models.Model):
    """A day of the platform's working calendar (``core.calendar`` reads and maintains it).
    ``is_workday`` is what counts: the administrator's ``override`` when there is one, else the
    statutory rule (``statutory_workday``). ``cum_seconds`` is the office time from
    ``core.calendar.ORIGIN`` to this day's midnight, so that the database can sum working time;
    ``calendar_sync`` rewrites it (and adds the missing days) before every assessment."""

    day = models.DateField(_("date"), unique=True)
    # An administrator's override moves every deadline after it: who set it, when (calendar_sync writes in bulk,
    # which records nothing).
    history = HistoricalRecords(excluded_fields=["cum_seconds"])
    is_workday = models.BooleanField(_("is a working day"), editable=False)
    override = models.BooleanField(
        _("override"), null=True, blank=True, choices=[(True, _("working day")), (False, _("day off"))],
        help_text=_("Leave empty to follow the State Council's holiday notices (Monday to Friday for years "
                    "they do not cover yet)."),
    )
    note = models.CharField(_("note"), max_length=100, blank=True)
    cum_seconds = models.BigIntegerField(_("office seconds before this day"), default=0, editable=False)

    class Meta:
        verbose_name = _("working-calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["day"]

    def __str__(self):
        return self.day.isoformat()

    def save(self, *args, **kwargs):
        # The override counts at once; the running totals of later days wait for calendar_sync.
        self.is_workday = self.statutory_workday(self.day) if self.override is None else self.override
        super().save(*args, **kwargs)

    @staticmethod
    @functools.cache
    def statutory_workday(day: dt.date) -> bool:
        """The State Council's holidays and make-up working days, else Monday to Friday. Remembered per date: the
        library's tables are fixed while the process runs, and each look-up validates the date first (32 µs; a
        calendar sync asks for every day since 2010, a deadline for each day it counts)."""
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the library does not cover yet
            return day.weekday() < 5


class Notification(models.Model):
    """An in-app notification (also mailed when the user has an address), about any object."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("New task")
        RETURNED = "returned", _("Returned")
        FED_BACK = "fed_back", _("Awaiting verification")
        REWORK = "rework", _("Rework required")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Rated")
        ESCALATED = "escalated", _("Escalated")
        WARNING = "warning", _("Deadline approaching")
        OVERDUE = "overdue", _("Overdue")
        EXTENSION = "extension", _("Extension")
        COMMENT = "comment", _("Comment")
        FOLLOW_UP = "follow_up", _("Caller called again")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("concerns"), max_length=40, blank=True, help_text=_("e.g. a case number"))
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The mail outbox: a row to be mailed is written in the same transaction as the change behind it, and stays
    # pending until a delivery run (after commit, and every minute from beat) has handed it to the mail server.
    mail_pending = models.BooleanField(default=False)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="core_notification_unread_idx"),
            models.Index(fields=["target_type", "target_id"], name="core_notification_target_idx"),
            models.Index(fields=["id"], condition=models.Q(mail_pending=True), name="core_notification_outbox_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}".strip()

    @property
    def url(self) -> str:
        """Where the object it concerns is shown (in the reader's language), if it has a page."""
        target = self.target
        return target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else ""


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its hash is stored; it expires, and its owner can list and revoke it.
    A password change or a deactivated account revokes every token of the account (core.tokens)."""

    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("Which client or device uses it"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.token_key}… {self.name}".strip()

    @property
    def has_expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
