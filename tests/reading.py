"""What a page gives a reader, read from its HTML by the server-side page tests of every app: words
(no codes or English on a zh-hans page) and structure (one h1, labelled inputs, tables that become
cards on a phone).

``words(html)`` is the visible text of ``<main>`` and the attributes read aloud or shown on a phone
card (``aria-label``, ``placeholder``, ``title``, ``alt``, ``data-label``). Left out: scripts and
styles, ``<code>``, input values, spans marked as codes or tokens (``class="code"`` /
``class="token"``) and anything marked as another language (``lang="en"``, e.g. "English" in the
language menu). ``unreadable`` and ``codes_and_english`` find snake_case codes and English words;
``structure_problems`` lists what breaks the page conventions.
"""
import re
from html.parser import HTMLParser

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"[A-Za-z]{2,}")
CASE_NUMBER = re.compile(r"\bHD\d{8,}\b")
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "data-label")
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "template"}
SKIPPED_CLASSES = {"code", "token"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Proper names and format names a Chinese page may show as they are.
PROPER = {"Excel", "CSV", "SHA"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []
        self.h1 = 0
        self.labels_for: set[str] = set()
        self.label_depth = 0
        self.fields: list[dict] = []
        self.tables: list[dict] = []
        self.section = ""

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        classes = set(attrs.get("class", "").split())
        lang = attrs.get("lang", "")
        skipped = (self.skipping or tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)
                   or (lang and not lang.lower().startswith("zh")))
        if not skipped:
            self.texts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
        self._structure(tag, attrs, classes)
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def _structure(self, tag, attrs, classes):
        if tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.labels_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.fields.append({**attrs, "_in_label": self.label_depth > 0})
        elif tag == "table" and "data" in classes:
            self.tables.append({"named": any(attrs.get(a) for a in ("aria-label", "aria-labelledby")),
                                "caption": False, "cols": 0, "col_scoped": True, "unlabelled_cells": 0,
                                "thead": False})
        elif self.tables and tag == "caption":
            self.tables[-1]["caption"] = True
        elif self.tables and tag in ("thead", "tbody", "tfoot"):
            self.section = tag
            if tag == "thead":
                self.tables[-1]["thead"] = True
        elif self.tables and tag == "th" and self.section == "thead":
            self.tables[-1]["cols"] += 1
            self.tables[-1]["col_scoped"] &= attrs.get("scope") == "col"
        elif self.tables and tag == "td" and self.section == "tbody" and self.tables[-1]["thead"]:
            self.tables[-1]["unlabelled_cells"] += "data-label" not in attrs

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)
        while self.stack:
            open_tag, _skipped = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def words(html: str) -> str:
    """The words of the page's own content (``<main>``; the shell around it is the shell's)."""
    if "<main" in html:
        html = html[html.index("<main"):html.index("</main>")]
    return " ".join(_parse(html).texts)


def unreadable(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Snake_case codes and English words a zh-hans reader would meet anywhere on the page (``allowed``: proper
    names the page may show as they are)."""
    found = []
    for text in _parse(html).texts:
        found += SNAKE.findall(text)
        found += [word for word in WORD.findall(text) if word not in allowed]
    return sorted(set(found))


def codes_and_english(html: str, names: tuple[str, ...] = ()) -> list[str]:
    """Snake_case identifiers and English words on a zh-hans page (names of the test's people and
    case numbers aside)."""
    text = words(html)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = CASE_NUMBER.sub(" ", text)
    found = SNAKE.findall(text) + [w for w in WORD.findall(text) if w not in PROPER]
    return sorted(set(found))


def structure_problems(html: str) -> list[str]:
    page = _parse(html)
    problems = []
    if page.h1 != 1:
        problems.append(f"{page.h1} h1 elements")
    for field in page.fields:
        if not (field["_in_label"] or field.get("aria-label") or field.get("aria-labelledby")
                or field.get("id") in page.labels_for):
            problems.append(f"unlabelled {field.get('name') or field.get('id')}")
    for index, table in enumerate(page.tables):
        if not (table["named"] or table["caption"]):
            problems.append(f"table {index} has no caption or aria-label")
        if table["thead"] and not table["col_scoped"]:
            problems.append(f"table {index}: a column heading without scope=col")
        if table["unlabelled_cells"]:
            problems.append(f"table {index}: {table['unlabelled_cells']} cells without data-label")
    return problems
