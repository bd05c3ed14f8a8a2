from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


def as_key(value):
    # Plural messages carry their forms as a list or tuple.
    return tuple(value) if isinstance(value, list | tuple) else value


def translated(message):
    forms = message.string if isinstance(message.string, list | tuple) else [message.string]
    return all(forms) and not message.fuzzy


def read_catalog():
    with open(CATALOG / "django.po", "rb") as po:
        return read_po(po, locale="vi")


def test_every_string_of_the_project_is_translated_to_vietnamese():
    untranslated = [m.id for m in read_catalog() if m.id and not translated(m)]
    assert untranslated == []


def test_the_compiled_catalog_matches_its_source():
    # `make translations` compiles with Babel; a stale .mo would serve old text.
    with open(CATALOG / "django.mo", "rb") as mo:
        compiled = {as_key(m.id): as_key(m.string) for m in read_mo(mo) if m.id}
    assert compiled == {as_key(m.id): as_key(m.string) for m in read_catalog() if m.id}


def test_vietnamese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "vi"
    with translation.override("vi"):
        assert translation.gettext("Log in") == "Đăng nhập"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
