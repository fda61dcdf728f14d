"""Helpers for server-rendered pages: access, forms backed by services, paging without COUNT."""
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError


def staff_page(*perms: str):
    """Login first (anonymous → login page), then the role's model permissions (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def errors_onto_form(form, error: ValidationError) -> None:
    """A service's ValidationError shown in place: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass
class Page:
    """One page of a list, found with LIMIT/OFFSET and one extra row instead of a COUNT(*)."""

    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(queryset, page: str | int | None, size: int = 50) -> Page:
    try:
        number = max(1, int(page or 1))
    except ValueError:
        number = 1
    rows = list(queryset[(number - 1) * size: number * size + 1])
    return Page(rows=rows[:size], number=number, has_next=len(rows) > size)
