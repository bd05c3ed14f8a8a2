"""Template tags of the tourism pages: what other sites read from a page
when it is shared or indexed."""

import json

from django import template
from django.utils.safestring import mark_safe

from cms.structured_data import page_social_meta, page_structured_data

register = template.Library()

# Inside <script> the HTML parser ends the element at the first "</script",
# whatever JSON thinks of it: these characters are written as JSON escapes
# so no page text can close the script or open a comment.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_ld_script(data: dict) -> str:
    """``data`` as a JSON-LD script element, safe whatever text it holds."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.simple_tag(takes_context=True)
def structured_data(context, page):
    """``{% structured_data page %}``: the schema.org JSON-LD of a destination
    or an event; nothing for other pages."""
    data = page_structured_data(page, context.get("request")) if page is not None else None
    return json_ld_script(data) if data else ""


@register.simple_tag(takes_context=True)
def social_meta(context, page):
    """``{% social_meta page as meta %}``: the values of the page's Open
    Graph and Twitter-card tags (see cms.structured_data.page_social_meta)."""
    return page_social_meta(page, context.get("request"))
