"""Changes that make a search document stale enqueue its refresh once the
transaction commits. The receivers only enqueue; what a document holds is
decided in search.sources and written by search.services."""

from django.db.models.signals import post_delete, post_save

from .models import SearchKind


def _enqueue(kind: str, object_id) -> None:
    """Once per document and transaction: placing an order saves a
    product's stock record and several lots, which need one refresh."""
    from django.db import connection, transaction

    from marketplace.services import task_enqueue_on_commit

    from .tasks import search_document_refresh_task

    if object_id is None:
        return
    # Django gives each transaction a new list of commit hooks, and a
    # rolled-back savepoint a new list too: the pending set belongs to the
    # list and savepoints it was made with, so it never outlives them.
    hooks, savepoints, pending = getattr(connection, "_search_pending", (None, None, set()))
    current = tuple(connection.savepoint_ids)
    if not connection.in_atomic_block or hooks is not connection.run_on_commit or savepoints != current:
        hooks, savepoints, pending = connection.run_on_commit, current, set()
        connection._search_pending = (hooks, savepoints, pending)
    key = (str(kind), object_id)
    if key in pending:
        return
    if not pending:
        # Emptied when the hooks run, so a later change is sent again.
        transaction.on_commit(pending.clear)
    pending.add(key)
    task_enqueue_on_commit(search_document_refresh_task, *key)


def _product_changed(sender, instance, **kwargs):
    _enqueue(SearchKind.PRODUCT, instance.pk)


def _product_part_changed(sender, instance, **kwargs):
    # Stock records, lots and images belong to a product: its price, stock
    # and picture are in its document.
    _enqueue(SearchKind.PRODUCT, instance.product_id)


def _cooperative_changed(sender, instance, **kwargs):
    _enqueue(SearchKind.COOPERATIVE, instance.pk)


def _page_changed(sender, instance, **kwargs):
    _enqueue(SearchKind.DESTINATION, instance.pk)


def connect() -> None:
    from oscar.core.loading import get_model
    from wagtail.signals import page_published, page_unpublished

    from catalog.models import Lot
    from cms.models import DestinationPage
    from cooperatives.models import Cooperative

    product = get_model("catalogue", "Product")
    for signal in (post_save, post_delete):
        signal.connect(_product_changed, sender=product, dispatch_uid=f"search-product-{signal}")
        for part in (get_model("partner", "StockRecord"), Lot, get_model("catalogue", "ProductImage")):
            signal.connect(
                _product_part_changed, sender=part, dispatch_uid=f"search-{part.__name__}-{signal}"
            )
        signal.connect(_cooperative_changed, sender=Cooperative, dispatch_uid=f"search-cooperative-{signal}")
    # Only publishing changes what the public sees: saving a draft or
    # submitting it for moderation does not.
    page_published.connect(_page_changed, sender=DestinationPage, dispatch_uid="search-page-published")
    page_unpublished.connect(_page_changed, sender=DestinationPage, dispatch_uid="search-page-unpublished")
    post_delete.connect(_page_changed, sender=DestinationPage, dispatch_uid="search-page-deleted")
