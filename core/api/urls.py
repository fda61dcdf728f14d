from rest_framework.routers import SimpleRouter

from .notifications import NotificationViewSet
from .tokens import ApiTokenViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")

urlpatterns = router.urls
