from .notifications import unread_count


def unread_notifications(request):
    """The badge on the menu: how many notifications the user has not read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
