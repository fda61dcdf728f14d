from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("patrol-plans", views.PatrolPlanViewSet, basename="patrol-plan")
router.register("patrol-points", views.PatrolPointViewSet, basename="patrol-point")
router.register("patrols", views.PatrolViewSet, basename="patrol")

urlpatterns = router.urls
