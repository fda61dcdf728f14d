"""Every model registered in the admin opens (list and add pages), in Chinese."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "Admin-pass-2026")
    client.force_login(user)
    return client


def test_every_changelist_opens(admin_client):
    opened = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        response = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, f"{meta.label}: {response.status_code}"
        if model_admin.has_add_permission(response.wsgi_request):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert admin_client.get(url).status_code == 200, meta.label
        opened += 1
    assert opened > 40


def test_the_admin_speaks_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "海淀区网格化社会服务管理平台" in page and "网格" in page
