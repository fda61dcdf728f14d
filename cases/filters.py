"""The one filter of case lists (the API's query parameters and the inbox page's filter form alike), and the
catalogue's search."""
import re

import django_filters
from django.db.models import Case as DbCase
from django.db.models import Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.filters import UtcIsoDateTimeFilter
from grids.models import Department, Grid, StreetUnit

from . import selectors
from .models import Case, Category
from .workflow import Light, Source, Status, Tier


class CaseFilter(django_filters.FilterSet):
    # distinct=False: a case matches a status once; DISTINCT would defeat the (street, id) index.
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices, distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=Source.choices, distinct=False)
    grid = django_filters.CharFilter(method="filter_grid", help_text=_("A grid code: that grid and all below it"))
    department = django_filters.CharFilter(method="filter_department", help_text=_("Department or station code"))
    category = django_filters.CharFilter(method="filter_category", help_text=_("Class or subclass code"))
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue", choices=[("yellow", "yellow"), ("red", "red"), ("any", "any")],
        help_text=_("yellow (due soon), red (overdue) or any of both"),
    )
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="filter_text", help_text=_("Case number, or words of title/address"))

    class Meta:
        model = Case
        fields = ["status", "tier", "source", "urgency"]

    def filter_grid(self, queryset, name, value):
        grid = Grid.objects.filter(code=value).values("id", "level").first()
        if grid is None:
            return queryset.none()
        if grid["level"] == Grid.Level.STREET:
            return queryset.filter(street_id=grid["id"])
        if grid["level"] == Grid.Level.UNIT:
            return queryset.filter(grid_id=grid["id"])
        return queryset

    def filter_department(self, queryset, name, value):
        station = StreetUnit.objects.filter(code=value).values_list("id", flat=True).first()
        if station is not None:
            return queryset.filter(station_id=station)
        department = Department.objects.filter(code=value).values_list("id", flat=True).first()
        return queryset.filter(department_id=department) if department is not None else queryset.none()

    def filter_category(self, queryset, name, value):
        ids = list(Category.objects.filter(Q(code=value) | Q(parent__code=value)).values_list("id", flat=True))
        return queryset.filter(category_id__in=ids)

    def filter_overdue(self, queryset, name, value):
        lights = [Light.YELLOW, Light.RED] if value == "any" else [value]
        return queryset.filter(light__in=lights)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if value.upper().startswith("HD") and value[2:].isdigit():
            return queryset.filter(number=value.upper())
        pieces = search_pieces(value)
        return queryset.filter(contains_all("title", value, pieces) | contains_all("address", value, pieces))


# A run of Chinese characters, or of anything else that is not a space: the pieces pg_trgm reads as words apart.
PIECE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\s\u3400-\u9fff\uf900-\ufaff]+")


# Enough to find the rare one among a person's words; a text of hundreds of words is not a query of hundreds of them.
MAX_PIECES = 4


def search_pieces(text: str) -> list[str]:
    """The words of a search text that a trigram index can look up on their own (three characters or more; a shorter
    one gives it no trigram to look up), the longest first, as the likeliest to be rare; none when the text is one
    such word."""
    pieces = sorted(dict.fromkeys(piece for piece in PIECE.findall(text) if len(piece) >= 3), key=len, reverse=True)
    return [] if pieces == [text] else pieces[:MAX_PIECES]


def contains_all(field: str, text: str, pieces: list[str]) -> Q:
    """``field`` contains each of the ``pieces`` of ``text`` and then ``text`` itself, which changes no result: the
    pieces are there for PostgreSQL's trigram index. Given the text alone, its GIN scan reads the whole posting list
    of every trigram the text shares with most cases (基准案件 12345: 59 ms at a million cases, each of whose titles
    starts 基准案件). Given the pieces as conditions of their own, it skips along the list of the condition it meets
    first, and the rarer that one is, the less it reads: 1.5 ms with 12345 first, 6 ms with 基准案件 first."""
    condition = Q()
    for piece in pieces:
        condition &= Q(**{f"{field}__icontains": piece})
    return condition & Q(**{f"{field}__icontains": text})


class CategoryFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text=_("Code, words of the name, or the pinyin initials of the name "
                                            "(e.g. “bllj” for 暴露垃圾); the closest matches first"))

    class Meta:
        model = Category
        fields = ["kind"]

    def filter_search(self, queryset, name, value):
        codes = selectors.category_codes_matching(value)
        rank = DbCase(*(When(code=code, then=Value(index)) for index, code in enumerate(codes)), default=Value(0))
        return queryset.filter(code__in=codes).order_by(rank, "code") if codes else queryset.none()
