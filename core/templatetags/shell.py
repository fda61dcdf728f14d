"""The site's shell: menus that offer a page only to someone the page admits.

``{% load shell %}``

- ``{% page_link "orgs:incubation" _("Incubation") %}`` renders ``<a href="…">孵化培育</a>`` when the
  user may open the page (its ``staff_page`` permissions and rule, see ``core.pages.PageAccess``),
  with ``aria-current="page"`` on the page itself, and nothing otherwise. URL arguments follow the
  label; ``css="btn"`` sets the class.
- ``{% can_open "orgs:complaints" as show %}{% if show %}…{% endif %}`` for anything else.
"""
from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.pages import may_open

register = template.Library()


def _user(context):
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    return user or AnonymousUser()


@register.simple_tag(takes_context=True)
def can_open(context, name: str, *args) -> bool:
    return may_open(_user(context), reverse(name, args=args))


@register.simple_tag(takes_context=True)
def page_link(context, name: str, label, *args, css: str = "") -> str:
    url = reverse(name, args=args)
    if not may_open(_user(context), url):
        return ""
    request = context.get("request")
    current = request is not None and request.path == url
    return format_html('<a href="{}"{}{}>{}</a>', url, format_html(' class="{}"', css) if css else "",
                       mark_safe(' aria-current="page"') if current else "", label)
