from celery import shared_task

from . import services


@shared_task(name="search.search_document_refresh_task", bind=True, max_retries=5)
def search_document_refresh_task(self, kind: str, object_id: int) -> None:
    """Bring one product's, cooperative's or destination's document up to
    date in every configured backend."""
    try:
        services.search_document_refresh(kind=kind, object_id=object_id)
    except services.SearchEngineUnavailable as error:
        # The database entry is already fresh; Elasticsearch gets the
        # document when it is back (or at the nightly reconciliation).
        if not self.request.is_eager:
            raise self.retry(exc=error, countdown=min(600, 30 * 2**self.request.retries)) from error


@shared_task(name="search.search_index_reconcile_task")
def search_index_reconcile_task() -> None:
    """Nightly: every backend holds exactly the documents it should."""
    services.search_index_reconcile()
