from .models import Notification


def unread_notifications(request):
    """The count on the navigation's bell, for signed-in staff."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()}
