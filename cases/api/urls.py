from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("case-exports", views.CaseExportViewSet, basename="case-export")

urlpatterns = router.urls
