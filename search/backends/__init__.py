"""Search backends: the database (default) and Elasticsearch/OpenSearch.
Both take ``SearchDocument``-s to index and answer with ``SearchResults``."""
