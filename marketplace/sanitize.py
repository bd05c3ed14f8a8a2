"""Rich text typed by users, reduced to harmless HTML."""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h2", "h3", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_rich_text(html: str) -> str:
    """Keep paragraphs, emphasis, lists and links (http, https, mailto, tel);
    drop scripts, styles, event handlers and every other tag or attribute."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
