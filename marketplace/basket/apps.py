import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket app, forked so each line's quantity box is named for
    screen readers (``forms.BasketLineForm``)."""

    name = "marketplace.basket"
