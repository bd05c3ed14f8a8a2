import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    """Oscar's shipping app, forked so each cooperative in a basket charges
    its own delivery fee (or none, when the buyer collects in person)."""

    name = "marketplace.shipping"
