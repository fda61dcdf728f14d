"""System checks of the kernel: every scoped model says where its rows live, in paths that exist."""
from django.apps import apps
from django.core.checks import Error, register
from django.core.exceptions import FieldDoesNotExist

from .scoping import ScopePath, is_scoped

PATH_PARTS = ("grid", "area", "department", "station", "person")


def _resolves(model, path: str) -> bool:
    *relations, last = path.split("__")
    for name in relations:
        try:
            model = model._meta.get_field(name).related_model
        except FieldDoesNotExist:
            return False
        if model is None:
            return False
    try:
        model._meta.get_field(last)  # a name or an attname ("department_id")
    except FieldDoesNotExist:
        return False
    return True


@register()
def scoped_models_declare_their_scope(app_configs, **kwargs):
    errors = []
    for model in apps.get_models():
        if not is_scoped(model):
            continue
        label = model._meta.label
        path = getattr(model, "scope_path", None)
        if not isinstance(path, ScopePath):
            errors.append(Error(f"{label} uses ScopedQuerySet but declares no scope_path.", id="core.E001"))
            continue
        for part in PATH_PARTS:
            value = getattr(path, part)
            if value and not _resolves(model, value):
                errors.append(Error(f"{label}.scope_path.{part} = {value!r} does not lead to a field.",
                                    id="core.E002"))
    return errors
