from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


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
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": url, "translated": translated})
    return {"links": links}
