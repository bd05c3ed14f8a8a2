import unicodedata

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


def _language_name(code: str) -> str:
    # Django's table spells some names in decomposed Unicode (NFD); pages use NFC.
    return unicodedata.normalize("NFC", get_language_info(code)["name_local"])


def _home_url(language_code: str) -> str:
    # The default language is served without a prefix (i18n_patterns).
    return "/" if language_code == settings.LANGUAGE_CODE else f"/{language_code}/"


@register.inclusion_tag("marketplace/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the current page in each other language.

    A Wagtail page links to its live translation, or to that language's home
    page when it has none, and says so; any other page links to the same URL
    under the other language's prefix.
    """
    request = context.get("request")
    page = context.get("page")
    links = []
    for code, _name in settings.LANGUAGES:
        if code == get_language():
            continue
        translated = True
        if page is not None and hasattr(page, "get_translations"):
            translation = page.get_translations().live().filter(locale__language_code=code).first()
            translated = translation is not None
            url = translation.url if translated else _home_url(code)
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = _home_url(code)
        links.append({"code": code, "name": _language_name(code), "url": url, "translated": translated})
    return {"links": links}


@register.simple_tag(takes_context=True)
def page_language(context) -> dict | None:
    """When Wagtail falls back to a page in another language (it has no live
    translation in the visitor's), the language that page is in."""
    page = context.get("page")
    locale = getattr(page, "locale", None)
    if locale is None or locale.language_code == get_language():
        return None
    return {"code": locale.language_code, "name": _language_name(locale.language_code)}
