"""One search over products, cooperatives and destinations.

``search.search(query, filters, page, size)`` answers from the configured
backend (Elasticsearch/OpenSearch when ELASTICSEARCH_URL is set, the
database otherwise) with the same ``search.results.SearchResults``.
"""


def search(query, filters=None, page=1, size=None, **options):
    from .results import PAGE_SIZE
    from .selectors import search_run

    return search_run(query, filters, page, size or PAGE_SIZE, **options)


def suggest(prefix, **options):
    from .selectors import suggest_run

    return suggest_run(prefix, **options)
