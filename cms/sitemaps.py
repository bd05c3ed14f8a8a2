"""The sitemap of the public site, in every language at once."""

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap

from .structured_data import page_absolute_url, public_url


class TourismSitemap(Sitemap):
    """Every live, public page of the default site in each language, for
    search engines to find the destinations (indicator 6.5).

    Wagtail's own sitemap walks the site's root page only, which is the
    Vietnamese home page: the English pages, under a translation of that
    root, would be missing. Each entry also names its translations
    (hreflang), so a search engine shows the English page to English
    searchers instead of treating it as a copy. Addresses are under
    SITE_URL, like the pages' canonical links (see
    ``structured_data.public_url``)."""

    def root_pages(self):
        return self.get_wagtail_site().root_page.get_translations(inclusive=True).live()

    def items(self):
        from wagtail.models import Page

        roots = list(self.root_pages())
        if not roots:
            return Page.objects.none()
        pages = Page.objects.live().public()
        in_any_root = pages.descendant_of_q(roots[0], inclusive=True)
        for root in roots[1:]:
            in_any_root |= pages.descendant_of_q(root, inclusive=True)
        return pages.filter(in_any_root).order_by("path").defer_streamfields().specific()

    def _translations(self, pages) -> dict:
        """The live, public pages of each of ``pages``' translation keys,
        in one query."""
        from wagtail.models import Page

        translations = {}
        keys = {page.translation_key for page in pages}
        for page in Page.objects.live().public().filter(translation_key__in=keys).select_related("locale"):
            translations.setdefault(page.translation_key, []).append(page)
        return translations

    def _alternates(self, translations) -> list[dict]:
        if len(translations) < 2:
            return []
        alternates = [
            {"lang_code": page.locale.language_code, "location": page_absolute_url(page, self.request)}
            for page in sorted(translations, key=lambda page: page.locale.language_code)
        ]
        # Searchers in any other language get the default (unprefixed) one.
        default = next((alt for alt in alternates if alt["lang_code"] == settings.LANGUAGE_CODE), None)
        if default is not None:
            alternates.append({"lang_code": "x-default", "location": default["location"]})
        return alternates

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        translations = self._translations(pages)
        urls = []
        last_mods = set()
        for item in pages:
            alternates = self._alternates(translations.get(item.translation_key, []))
            own_location = item.get_full_url(self.request)
            for url_info in item.get_sitemap_urls(self.request):
                # A page that lists more than its own address (a routable
                # page's sub-routes) gets the alternates on its own only.
                extra = {"alternates": alternates} if url_info["location"] == own_location else {}
                url_info = {**url_info, **extra, "location": public_url(url_info["location"])}
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
