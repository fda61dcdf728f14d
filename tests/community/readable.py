"""What a person reads on a zh-hans page: no snake_case codes, no English words.

``unreadable(html)`` returns the offending words of a page's visible text and of the attributes a
screen reader or a phone card reads aloud (``aria-label``, ``placeholder``, ``title``, ``alt``,
``data-label``). Left out, as the brief allows: scripts and styles, ``<code>``, input values, muted
code spans (``class="code"``, ``class="token"``), and anything marked as another language
(``lang="en"``, e.g. the language menu's "English").
"""
import re
from html.parser import HTMLParser

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"[A-Za-z]{2,}")
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "data-label")
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "template"}
SKIPPED_CLASSES = {"code", "token"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        lang = attrs.get("lang") or ""
        skipped = (self.skipping or tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)
                   or (lang and not lang.lower().startswith("zh")))
        if not skipped:
            self.texts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
        if tag not in VOID:
            self.stack.append(skipped)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)


def unreadable(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Snake_case codes and English words a zh-hans reader would meet on the page."""
    reader = _Reader()
    reader.feed(html)
    found = []
    for text in reader.texts:
        found += SNAKE.findall(text)
        found += [word for word in WORD.findall(text) if word not in allowed]
    return sorted(set(found))
