"""Mailing of in-app notifications (the in-app rows are written by the services)."""
from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.utils import timezone

from .models import Notification


def email_notifications(notification_ids: list[int]) -> int:
    """Mail each not-yet-mailed notification to its user, if they have an address. Idempotent."""
    pending = list(
        Notification.objects.filter(id__in=notification_ids, emailed_at__isnull=True)
        .exclude(user__email="")
        .select_related("user", "case")
    )
    if not pending:
        return 0
    messages = [
        (f"[网格化平台] {n.get_kind_display()} {n.case.number if n.case else ''}".strip(), n.message,
         settings.DEFAULT_FROM_EMAIL, [n.user.email])
        for n in pending
    ]
    sent = send_mass_mail(messages, fail_silently=False, connection=get_connection())
    Notification.objects.filter(id__in=[n.id for n in pending]).update(emailed_at=timezone.now())
    return sent
