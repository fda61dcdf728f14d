"""Filters shared by the apps' FilterSets."""
import datetime as dt

import django_filters
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed on in UTC: an offset Python accepts but PostgreSQL refuses (``-16:43``) would
    otherwise fail in the database as a 500."""

    def to_python(self, value):
        moment = super().to_python(value)
        return moment.astimezone(dt.timezone.utc) if moment is not None else None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
