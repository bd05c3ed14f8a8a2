"""locale-oscar/: the Vietnamese for Oscar's own messages that Oscar's vi
catalogue leaves untranslated, lacks, or gets wrong. After an Oscar upgrade
the first two tests list the new messages that still need Vietnamese."""

import io
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import oscar
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation.template import templatize

OSCAR = Path(oscar.__file__).parent
OSCAR_CATALOG = OSCAR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
LOCALE_OSCAR = Path(settings.BASE_DIR) / "locale-oscar"
CATALOG = LOCALE_OSCAR / "vi" / "LC_MESSAGES"

# The functions Django's makemessages looks for, which Oscar's catalogues are made with.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
CONVERSION = r"[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]"
NAMED = re.compile(r"%\((\w+)\)" + CONVERSION)
POSITIONAL = re.compile(r"%(?!\()" + CONVERSION)
BRACES = re.compile(r"\{\w*\}")
TAG = re.compile(r"<(/?[a-zA-Z][\w-]*)")


def read_catalog(path):
    with open(path, "rb") as po:
        return read_po(po, locale="vi")


@cache
def oscar_catalog():
    return read_catalog(OSCAR_CATALOG)


@cache
def our_catalog():
    return read_catalog(CATALOG / "django.po")


def forms(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def key(message):
    """(msgctxt, msgid), the msgid of a plural message being its singular."""
    return message.context, forms(message.id)[0]


def translated(message):
    return all(forms(message.string)) and not message.fuzzy


def as_key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def decoded(value):
    return value.decode() if isinstance(value, bytes) else value


def oscar_messages():
    """(msgctxt, msgid) of every message in the installed Oscar's code and
    templates, found the way makemessages finds them: templates turned into
    Python by Django's templatize, then Python's gettext calls."""
    found = set()
    for path in sorted(OSCAR.rglob("*")):
        if path.suffix == ".py":
            code = path.read_bytes()
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            # Each message is on one line; the indentation left of it is not Python's.
            code = "\n".join(line.lstrip() for line in text.splitlines()).encode()
        else:
            continue
        for _lineno, msgid, _comments, context in extract("python", io.BytesIO(code), keywords=KEYWORDS):
            found.add((context, forms(msgid)[0]))
    return found


def ours():
    return {key(message) for message in our_catalog() if message.id and translated(message)}


def test_every_message_oscar_leaves_untranslated_is_translated_here():
    gaps = {key(message) for message in oscar_catalog() if message.id and not translated(message)}
    assert sorted(gaps - ours(), key=str) == []


def test_every_message_oscar_uses_that_its_catalogue_lacks_is_translated_here():
    in_oscar_catalog = {key(message) for message in oscar_catalog() if message.id}
    assert sorted(oscar_messages() - in_oscar_catalog - ours(), key=str) == []


def signature(text):
    text = text.replace("%%", "")
    return {
        "named": sorted(set(NAMED.findall(text))),
        "positional": POSITIONAL.findall(text),
        "braces": sorted(set(BRACES.findall(text))),
        "tags": sorted(TAG.findall(text)),
    }


def test_translations_keep_the_placeholders_and_tags_of_their_message():
    wrong = []
    for message in our_catalog():
        if not message.id:
            continue
        # Vietnamese has one plural form, used for every number: it needs what the plural has.
        source = forms(message.id)[-1]
        wrong += [
            (message.id, form) for form in forms(message.string) if signature(form) != signature(source)
        ]
    assert wrong == []


def test_the_catalogue_is_complete_and_says_it_is_vietnamese():
    catalog = our_catalog()
    assert str(catalog.locale) == "vi"
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert [m.id for m in catalog if m.id and not translated(m)] == []


def test_the_compiled_catalog_matches_its_source():
    # `make translations` compiles it with Babel; a stale .mo would serve old text.
    with open(CATALOG / "django.mo", "rb") as mo:
        # Babel's read_mo leaves a msgctxt as bytes.
        compiled = {(decoded(m.context), as_key(m.id)): as_key(m.string) for m in read_mo(mo) if m.id}
    assert compiled == {(m.context, as_key(m.id)): as_key(m.string) for m in our_catalog() if m.id}


def test_the_settings_read_it_after_the_projects_own_catalogue():
    paths = [Path(path) for path in settings.LOCALE_PATHS]
    assert LOCALE_OSCAR in paths
    assert paths.index(Path(settings.BASE_DIR) / "locale") < paths.index(LOCALE_OSCAR)


def our_msgid(fragment):
    (msgid,) = [m.id for m in our_catalog() if fragment in forms(m.id)[0]]
    return msgid


def test_django_serves_the_vietnamese_of_oscars_messages(settings):
    # The setting_changed signal the settings fixture sends resets Django's translation caches.
    settings.LOCALE_PATHS = [Path(settings.BASE_DIR) / "locale", LOCALE_OSCAR]
    basket_total = our_msgid("Your basket total is now")
    found_singular, found_plural = our_msgid("Found <strong>%(num_results)s</strong> result.")
    with translation.override("vi"):
        assert translation.pgettext("Buy again", "Re-order") == "Mua lại"
        assert translation.pgettext("Change the sequence order", "Re-order") == "Sắp xếp lại"
        assert translation.gettext(" (reference: %s)") == " (mã tham chiếu: %s)"
        assert translation.gettext("In stock (%d available)") == "Còn hàng (%d có sẵn)"
        assert translation.gettext(basket_total).strip() == "Tổng giỏ hàng hiện là <strong>%(total)s</strong>"
        assert translation.ngettext(found_singular, found_plural, 3).strip() == (
            "Tìm thấy <strong>%(num_results)s</strong> kết quả."
        )
        # A message Oscar's catalogue lacks, and one it has right, which locale-oscar leaves to it.
        assert translation.gettext("Enter the following information you used for this order") == (
            "Nhập các thông tin bạn đã dùng khi đặt đơn hàng này"
        )
        assert translation.gettext("Checkout now") == "Thanh toán ngay"
        # The message as Oscar's template renders it, whitespace and all.
        basket = SimpleNamespace(
            is_empty=False, is_tax_known=True, total_incl_tax=Decimal("120000"), currency="VND"
        )
        html = render_to_string("oscar/basket/messages/new_total.html", {"basket": basket})
        assert "Tổng giỏ hàng hiện là <strong>120.000" in html
        assert "basket" not in html
    with translation.override("en"):
        assert translation.pgettext("Buy again", "Re-order") == "Re-order"
        assert translation.gettext(" (reference: %s)") == " (reference: %s)"
