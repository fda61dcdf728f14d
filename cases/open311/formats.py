"""GeoReport v2 documents in JSON or XML, with the spec's element names."""
import json
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse

MEDIA_TYPES = {"json": "application/json", "xml": "text/xml"}
CONTENT_TYPES = {fmt: f"{media}; charset=utf-8" for fmt, media in MEDIA_TYPES.items()}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: Element, data: dict, item_names: dict) -> None:
    for key, value in data.items():
        child = SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                node = SubElement(child, item_names.get(key, "item"))
                if isinstance(item, dict):
                    _fill(node, item, item_names)
                else:
                    node.text = _text(item)
        elif isinstance(value, dict):
            _fill(child, value, item_names)
        else:
            child.text = _text(value)


def render(data, fmt: str, *, root: str, item: str | None = None, status: int = 200,
           item_names: dict | None = None) -> HttpResponse:
    """``data`` is a list of dicts (rendered as <root><item>…</item></root> in XML) or one dict (<root>…</root>)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=str)
    else:
        element = Element(root)
        if isinstance(data, list):
            for entry in data:
                _fill(SubElement(element, item), entry, item_names or {})
        else:
            _fill(element, data, item_names or {})
        body = '<?xml version="1.0" encoding="utf-8"?>' + tostring(element, encoding="unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt, root="errors", item="error", status=status)
