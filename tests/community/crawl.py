"""A small crawler for one section of the site, as one logged-in user, in the default language (zh-hans).

It follows the links of the pages it reaches under the given prefixes, opens each kind of page a
few times (``/orgs/12/`` and ``/orgs/31/`` are one kind), and reports what a reader would stumble on:
an error status, English words or snake_case codes (``tests.reading``), a missing
``data-label`` on a table cell, a column heading without ``scope="col"``, more or fewer than one
``<h1>``, a heading that says the same thing twice, and amounts of money left unformatted.
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.reading import unreadable

LINK = re.compile(r'href="(/[^"#]*)"')
DIGITS = re.compile(r"\d+")
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")
# A bare amount in a money column: "705558", "730000.00" (a formatted one reads "705,558 元").
BARE_AMOUNT = re.compile(r"^\d{4,}(?:\.\d+)?$")
MONEY_LABELS = ("预算", "金额")


class _Cells(HTMLParser):
    """Table cells without a data-label, headings without a scope, and what money cells say."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.unlabelled = 0
        self.unscoped = 0
        self.money: list[str] = []
        self._money_cell = False
        self._in_data_table = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._in_data_table += 1 if "data" in (attrs.get("class") or "").split() else 0
        elif tag == "td" and self._in_data_table:
            label = attrs.get("data-label")
            if label is None and attrs.get("colspan") is None:
                self.unlabelled += 1
            self._money_cell = bool(label) and any(word in label for word in MONEY_LABELS)
            if self._money_cell:
                self.money.append("")
        elif tag == "th" and self._in_data_table and attrs.get("scope") not in ("col", "row"):
            self.unscoped += 1

    def handle_endtag(self, tag):
        if tag == "td":
            self._money_cell = False
        elif tag == "table" and self._in_data_table:
            self._in_data_table -= 1

    def handle_data(self, data):
        if self._money_cell:
            self.money[-1] += data.strip()


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def kind_of(url: str) -> str:
    path, _, query = url.partition("?")
    keys = sorted(pair.split("=")[0] for pair in query.split("&")) if query else []
    return DIGITS.sub("<n>", path) + ("?" + "&".join(keys) if keys else "")


def main_of(html: str) -> str:
    """The page's own content: the shell around it (menu, account, footer) is checked elsewhere."""
    start = html.find("<main")
    return html[start:html.find("</main>", start)] if start >= 0 else html


def check_page(url: str, html: str, *, english: bool = False) -> list[str]:
    """What a zh-hans reader would stumble on (``english=True``: an English page, where only codes count)."""
    html = main_of(html)
    words = unreadable(html)
    if english:
        words = [word for word in words if "_" in word]
    problems = [f"{url}: unreadable {words}"] if words else []
    headings = H1.findall(html)
    if len(headings) != 1:
        problems.append(f"{url}: {len(headings)} <h1>")
    else:
        words = TAG.sub(" ", headings[0]).split()
        if len(words) != len(set(words)):
            problems.append(f"{url}: the heading repeats itself: {' '.join(words)}")
    cells = _Cells()
    cells.feed(html)
    if cells.unlabelled:
        problems.append(f"{url}: {cells.unlabelled} table cells without data-label")
    if cells.unscoped:
        problems.append(f"{url}: {cells.unscoped} column headings without scope")
    bare = [amount for amount in cells.money if BARE_AMOUNT.match(amount)]
    if bare:
        problems.append(f"{url}: unformatted money {bare[:3]}")
    return problems


def crawl(client, start: list[str], *, prefixes: tuple[str, ...], skip: tuple[str, ...] = (), per_kind: int = 2,
          limit: int = 200, english: bool = False) -> Crawl:
    result = Crawl()
    seen_kinds: dict[str, int] = defaultdict(int)
    queue = list(start)
    seen = set(queue)
    while queue and len(result.visited) < limit:
        url = queue.pop(0)
        response = client.get(url)
        result.visited.append(url)
        if response.status_code != 200:
            result.problems.append(f"{url}: {response.status_code}")
            continue
        html = response.content.decode()
        if not url.startswith(skip):
            result.problems += check_page(url, html, english=english)
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link in seen or not link.startswith(prefixes) or link.startswith(skip) or "page=" in link:
                continue
            seen.add(link)
            kind = kind_of(link)
            if seen_kinds[kind] < per_kind:
                seen_kinds[kind] += 1
                queue.append(link)
    return result


def crawl_as(client, people, start: str, **options) -> tuple[int, list[str]]:
    """``crawl`` from ``start`` as each of ``people`` in turn: pages visited in all, and the problems, each prefixed
    with who met it. The crawl stays under ``start`` unless ``options`` say otherwise."""
    visited, problems = 0, []
    for person in people:
        client.force_login(person)
        result = crawl(client, [start], **{"prefixes": (start,), **options})
        visited += len(result.visited)
        problems += [f"{person.username} {problem}" for problem in result.problems]
    return visited, problems
