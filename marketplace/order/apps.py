import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    """Oscar's order app, forked so each order line takes its units from
    the cooperative's harvest lots (see ``utils.OrderCreator``)."""

    name = "marketplace.order"
