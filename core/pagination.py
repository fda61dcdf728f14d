from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


class ScopedCursorPagination(pagination.CursorPagination):
    """Cursor pages of a scoped list: ordered by primary key, a page is read one part of the viewer's scope at a
    time (``ScopedQuerySet.by_scope_part``), so that its cost follows the page, not the table."""

    ordering = "-id"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(queryset.by_scope_part(), request, view)
