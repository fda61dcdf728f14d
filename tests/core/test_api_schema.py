"""What the OpenAPI schema promises about the answers, checked for every serializer at once rather than endpoint by
endpoint (test_api_fuzz.py checks real answers against it)."""
from django.core.exceptions import FieldDoesNotExist
from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.fields import empty

APPS = ("core", "grids", "registers", "cases", "community", "orgs", "evaluation")


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _answer_fields():
    """Every field a model serializer of ours writes into an answer: its read-only fields, and all fields of an
    ``…Out`` serializer (the apps' name for what an endpoint answers with)."""
    get_resolver().url_patterns  # noqa: B018 - imports every view, and with them every serializer
    for serializer in set(_subclasses(serializers.ModelSerializer)):
        if not serializer.__module__.startswith(APPS):
            continue
        for name, field in serializer().fields.items():
            if field.read_only or (serializer.__name__.endswith("Out") and not field.write_only):
                yield serializer, name, field


def _can_be_null(model, field) -> bool:
    """Whether the field's source, followed from a row of ``model``, can end in nothing: a nullable last column or
    link, or an empty link on the way (which a non-null ``default`` covers). A step that is not a model field (a
    property, a method) is not judged."""
    if field.source == "*":
        return False
    attrs = field.source_attrs
    for position, attr in enumerate(attrs):
        try:
            step = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        if step.many_to_many or step.one_to_many:
            return False
        if step.null:  # a nullable column or link, or a reverse one-to-one (the other row may not exist)
            last = position == len(attrs) - 1
            return last or field.default is empty or field.default is None
        if not step.is_relation:
            return False
        model = step.related_model
    return False


def test_every_answer_field_that_can_be_empty_is_declared_nullable():
    undeclared = sorted(f"{serializer.__module__}.{serializer.__name__}.{name}"
                        for serializer, name, field in _answer_fields()
                        if not field.allow_null and _can_be_null(serializer.Meta.model, field))
    assert undeclared == []
