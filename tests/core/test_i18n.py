"""Chinese first: every UI string has a zh-hans translation, and the compiled catalogs are current."""
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)
ENTRY = re.compile(r'(?:^#, (?P<flags>.*)\n)?^msgid (?P<id>(?:".*"\n)+)(?:^msgid_plural .*\n(?:".*"\n)*)?'
                   r'^msgstr(?:\[0\])? (?P<str>(?:".*"\n)+)', re.M)


def entries(path):
    for match in ENTRY.finditer(path.read_text(encoding="utf-8")):
        msgid = "".join(re.findall(r'"(.*)"', match["id"]))
        if msgid:
            yield msgid, "".join(re.findall(r'"(.*)"', match["str"])), match["flags"] or ""


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(path):
    untranslated = [msgid for msgid, msgstr, flags in entries(path) if not msgstr or "fuzzy" in flags]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_is_not_older_than_its_source(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime - 1


def test_chinese_is_the_default_and_english_is_available(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("This location is outside Haidian district.") == "该位置不在海淀区范围内。"
    with translation.override("en"):
        assert translation.gettext("This location is outside Haidian district.").startswith("This location")
