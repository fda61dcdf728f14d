"""Helpers for server-rendered pages: access, forms backed by services, paging, throttling."""
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.translation import get_language, gettext
from rest_framework.throttling import ScopedRateThrottle

from .errors import ApplicationError

PAGE_SIZE = 50


@dataclass(frozen=True)
class PageAccess:
    """Who may open a staff page: a login, the role's model permissions and, for a page whose rule
    goes further (a scope), a test of the user. The page checks it, and the menu shows a link to the
    page only to those it admits (``core.templatetags.shell``)."""

    perms: tuple[str, ...]
    allowed: Callable[[object], bool] | None = None

    def admits(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.has_perms(self.perms)
                    and (self.allowed is None or self.allowed(user)))


def staff_page(*perms: str, allowed: Callable[[object], bool] | None = None):
    """Login first (anonymous → login page), then the role's model permissions and, if given, the
    ``allowed(user)`` test (else 403). The rule rides on the view as ``page_access``, so a menu can ask
    the page itself whether to offer it (``may_open``)."""
    access = PageAccess(tuple(perms), allowed)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not access.admits(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        page = login_required(wrapped)
        page.page_access = access
        return page

    return decorator


def page_access_of(path: str) -> PageAccess | None:
    """The access rule of the page at ``path`` (None: a public page, or no page at all)."""
    return _page_access(get_urlconf(), get_language(), path)


@lru_cache(maxsize=4096)
def _page_access(urlconf: str | None, language: str | None, path: str) -> PageAccess | None:
    # Kept per URL configuration, language (which decides what a prefixed path resolves to) and path: none of these
    # answers changes while the process runs, and the menu asks after some twenty pages on every page it is drawn on.
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "page_access", None)


def may_open(user, path: str) -> bool:
    """Would the page at ``path`` open for ``user`` (rather than send them to log in, or answer 403)?"""
    access = page_access_of(path)
    return access is None or access.admits(user)


REFUSALS = (ValidationError, PermissionDenied, ApplicationError)


def refusal_messages(error: Exception) -> list[str]:
    """What a refusing service said, as lines for a page."""
    if isinstance(error, ValidationError):
        return error.messages
    if isinstance(error, ApplicationError):
        return [error.message]
    return [str(error) or gettext("You may not do this.")]


def errors_onto_form(form, error: Exception) -> None:
    """A service's refusal shown in place: a ValidationError on its fields when the form has them,
    anything else (a 403 or 409 of the workflow contract) on top of the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal_messages(error))


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


def run_service(form, service, **kwargs):
    """Call a service; put its refusal onto the form (field errors in place). Returns the
    service's result, or None when it refused."""
    try:
        return service(**kwargs)
    except REFUSALS as error:
        errors_onto_form(form, error)
        return None


def attempt(service, **kwargs) -> str | None:
    """Run a service that has no form behind it (a single button): None on success, else its
    refusal on one line for the page to show."""
    try:
        service(**kwargs)
    except REFUSALS as error:
        return "; ".join(refusal_messages(error))
    return None


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def filtered(request, filterset_class, queryset):
    """A page's list narrowed by its FilterSet, and the values the filters took, for a page that shows
    them (in its filter form or links). A value that does not validate is not applied."""
    filterset = filterset_class(request.GET, queryset=queryset)
    return filterset.qs, filterset.form.cleaned_data


def submitted(request, name: str) -> bool:
    """Several forms share a page; the button pressed says which one was sent."""
    return request.method == "POST" and request.POST.get("form") == name


class _ThrottleScope:
    throttle_scope = "public_submit"


def public_submit_allowed(request) -> bool:
    """The same per-client budget as the public API's submissions (``public_submit`` rate)."""
    return ScopedRateThrottle().allow_request(request, _ThrottleScope())


def bound(request, name: str, form_class, **kwargs):
    """The form bound to the POST if it is the one sent, else a blank one (prefixed by name)."""
    data = request.POST if submitted(request, name) else None
    return form_class(data, prefix=name, **kwargs)
