"""Gunicorn's settings for the web process (deploy/Procfile).

Every value can be changed from the environment, so one image serves a
small node and a large one alike.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Gunicorn's own rule of thumb: two workers per core plus one, so a worker
# waiting on PostgreSQL or Redis leaves the cores busy with the others.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker answer a cached page while another of its requests
# waits on the database; 1 keeps the plain synchronous worker.
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# A page that takes longer than this is a bug to find, not a wait to bear;
# the worker is replaced so the others keep serving.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows for long;
# the jitter keeps them from restarting all at once.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Loading the application before forking shares its memory between workers
# and makes a broken deployment fail at once rather than in each worker.
preload_app = True
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The load balancer in front sets X-Forwarded-For/-Proto; trust only it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
