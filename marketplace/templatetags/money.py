from django import template

from marketplace.money import format_vnd

register = template.Library()


@register.filter(name="vnd")
def vnd(amount):
    """``{{ price|vnd }}`` renders ``150.000 ₫``; an empty or invalid value renders nothing."""
    if amount is None or amount == "":
        return ""
    try:
        return format_vnd(amount)
    except ValueError:
        return ""
