"""The load benchmark: the site as production runs it (deploy/serve-prod:
gunicorn, a Celery worker and beat, PostgreSQL, Redis) on 127.0.0.1 with
bench-scale data, under single-page runs (wrk) and a mixed scenario of 50
visitors (locust, bench/locustfile.py), then checked for oversold lots, lost
orders and unsent e-mails.

Run from the project's root (after `pip install -r requirements-bench.txt`
and `apt-get install wrk`):

    .venv/bin/python bench/load.py --scale 1

The database is DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/choque_bench; its name must contain
"bench". It is created and migrated when needed, and filled by
`manage.py load_bench --scale S` (data of that scale already there is
reused). The server gets Redis databases 2 (broker) and 3 (cache) of its
own, emptied first, writes its e-mails to files in a temporary folder and
its access log, with each request's time, to a file. Its settings are
production's (deploy/serve-prod's defaults, WEB_CONCURRENCY and the like
from the environment), except that a worker is replaced after a million
requests rather than 5,000 (BENCH_MAX_REQUESTS says why).

Steps, about 6 minutes at the defaults once the data is loaded:
1. the server with the page cache on (the production default): wrk runs of
   /healthz/ (a view through the whole middleware stack that touches no
   database: the ceiling), the catalogue's first page and a product page;
2. the mixed scenario (locust headless, --users visitors for --duration
   seconds), then the checks: no lot sold beyond its quantity, every order
   a visitor saw placed is in the database, every order placed has the
   buyer's and each cooperative's e-mail written by the Celery worker;
3. the server again with the page cache off (PAGE_CACHE_SECONDS=0): the
   catalogue and product pages rendered on every request, for reference;
4. in this process, with the production settings and the page cache off:
   the SQL query count of list and product pages at several positions, and
   a profile (pyinstrument) of the slowest page of the mixed scenario.
Each run also records where the machine's CPU went (the web workers,
PostgreSQL, the load generator, anything else running), since the load
generator and the server share the 2 cores, and other work may too.
It writes bench/results/load-<time>.json and .md (the server's and locust's
logs beside them) and prints the Markdown.

`--profile URL` only profiles that page in this process (no server, no
load) and prints the top of the profile with its time in SQL;
`--profile-page-cache` profiles it served from the page cache instead.
"""

import argparse
import contextlib
import datetime
import email
import email.policy
import json
import math
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/choque_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
# Redis databases of the benchmark's own server, emptied before it starts,
# so no other process's tasks or cached pages mix with its own.
BROKER_DB, CACHE_DB = 2, 3
PAGE_CACHE_SECONDS = 600  # the production default with a Redis cache

# The targets (2-core machine, scale 1).
MIXED_P95_TARGET_MS = 300
CEILING_SHARE_TARGET = 0.40

# wrk prints these figures as one JSON line once the run is done.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOADBENCH {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p95": %d, "p99": %d, "mean": %.1f, ' ..
    '"max": %d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""
WARM_UP_SECONDS = 3
# Pages a visitor opens without a session, which this process can replay
# with Django's test client to profile them.
PROFILABLE = (
    "catalogue list", "catalogue list, filtered", "product page", "search", "suggest", "trace page",
    "destination page",
)  # fmt: skip
ENDPOINT_ORDER = (*PROFILABLE, "checkout")
# What each page of the checkout is called in the statistics (the
# locustfile names its requests with these too).
CHECKOUT_PAGES = {
    "/shop/checkout/": "checkout: start",
    "/shop/checkout/shipping-address/": "checkout: address",
    "/shop/checkout/shipping-method/": "checkout: delivery",
    "/shop/checkout/payment-method/": "checkout: payment method",
    "/shop/checkout/payment-details/": "checkout: payment",
    "/shop/checkout/preview/": "checkout: preview",
    "/shop/checkout/thank-you/": "checkout: thank you",
    "/shop/basket/": "checkout: basket",
}
# What the forms posted from some of them are called instead.
CHECKOUT_FORMS = {
    "/shop/checkout/": "checkout: guest e-mail",
    "/shop/checkout/preview/": "checkout: place order",
}
CATALOGUE_FILTERS = ("district", "commune", "cooperative", "category", "ocop", "certification", "sort")
PRODUCT_PATH = re.compile(r"^/shop/catalogue/[^/]+_\d+/$")
# Gunicorn's access log line for each request (GUNICORN_CMD_ARGS): status,
# the server's time in microseconds, method, path and query string.
ACCESS_LOG_FORMAT = "%(s)s %(D)s %(m)s %(U)s?%(q)s"
# A benchmark sends in minutes what a node serves in hours: gunicorn's
# production setting (replace a worker after 5,000 requests) would replace
# every worker every 20 s of a single-page run, each taking seconds to come
# back, and measure that instead of the pages.
BENCH_MAX_REQUESTS = "1000000"


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201  (a command-line tool's progress)


# --- Statistics and the report (pure) ------------------------------------------


def percentile(values, fraction: float) -> float:
    """The ``fraction`` (0–1) percentile of ``values``, interpolated
    linearly between the two nearest ranks (as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def latency_summary(times_ms) -> dict:
    return {
        "median_ms": round(percentile(times_ms, 0.50), 1),
        "p95_ms": round(percentile(times_ms, 0.95), 1),
        "p99_ms": round(percentile(times_ms, 0.99), 1),
        "max_ms": round(max(times_ms), 1) if times_ms else float("nan"),
    }


def endpoint_key(name: str, method: str) -> str:
    return name if method == "GET" else f"{name} ({method})"


def endpoint_of(method: str, path: str, query: str = "") -> str:
    """The statistics' name of a request the server logged, as the
    locustfile names the same request."""
    if path == "/healthz/":
        name = "ceiling"
    elif path.startswith("/search/suggest/"):
        name = "suggest"
    elif path.startswith("/search/"):
        name = "search"
    elif path.startswith("/trace/"):
        name = "trace page"
    elif path == "/shop/catalogue/":
        filtered = any(f"{field}=" in query for field in CATALOGUE_FILTERS)
        name = "catalogue list, filtered" if filtered else "catalogue list"
    elif PRODUCT_PATH.match(path):
        name = "product page"
    elif path.startswith("/shop/basket/add/"):
        name = "checkout: basket add"
    elif path in CHECKOUT_PAGES:
        name = (CHECKOUT_FORMS if method == "POST" else {}).get(path) or CHECKOUT_PAGES[path]
    elif path.startswith(("/static/", "/media/", "/shop/", "/cms/", "/django-admin/")):
        name = f"other: {path}"
    else:
        name = "destination page"  # Wagtail's pages: the scenario opens destinations only
    return endpoint_key(name, method)


def access_log_parse(text: str) -> list[tuple[str, str, float, int]]:
    """(endpoint, path with query, server time in ms, status) of each line
    gunicorn wrote in ACCESS_LOG_FORMAT."""
    requests = []
    for line in text.splitlines():
        parts = line.split(" ", 3)
        if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        status, micros, method, address = parts
        path, _sep, query = address.partition("?")
        full = path + (f"?{query}" if query else "")
        requests.append((endpoint_of(method, path, query), full, int(micros) / 1000, int(status)))
    return requests


def server_times_summarise(requests: list[tuple[str, str, float, int]]) -> dict:
    """Per endpoint: the server's own time (from the request read to the
    response written, no queue before it), median and p95."""
    groups = defaultdict(list)
    for endpoint, _path, ms, _status in requests:
        groups[endpoint].append(ms)
        groups["all requests"].append(ms)
    return {
        endpoint: {
            "requests": len(times),
            "median_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
        for endpoint, times in groups.items()
    }


def _order_key(endpoint: str):
    for index, prefix in enumerate(ENDPOINT_ORDER):
        if endpoint == prefix or endpoint.startswith(prefix + " ") or endpoint.startswith(prefix + ":"):
            return (index, endpoint)
    return (len(ENDPOINT_ORDER), endpoint)


def endpoints_summarise(records: list) -> dict:
    """Per endpoint and for all requests of the mixed scenario: requests,
    requests/s over the run, median, p95, p99, errors and the share served
    by the page cache. ``records`` are the locustfile's rows: [name, method,
    time in ms, status, error, X-Page-Cache, start time (s), path]."""
    if not records:
        return {"duration_s": 0, "endpoints": [], "all": None, "errors": []}
    first = min(record[6] for record in records)
    last = max(record[6] + record[2] / 1000 for record in records)
    duration = max(last - first, 1e-9)
    groups = defaultdict(list)
    for record in records:
        groups[endpoint_key(record[0], record[1])].append(record)

    def row(endpoint, rows):
        cached = [r[5] for r in rows if r[5]]
        return {
            "endpoint": endpoint,
            "requests": len(rows),
            "rps": round(len(rows) / duration, 2),
            **latency_summary([r[2] for r in rows]),
            "errors": sum(1 for r in rows if r[4]),
            "cache_hit_share": round(cached.count("hit") / len(cached), 3) if cached else None,
        }

    errors = Counter(f"{endpoint_key(r[0], r[1])}: {r[4]}" for r in records if r[4])
    return {
        "duration_s": round(duration, 1),
        "endpoints": [row(endpoint, groups[endpoint]) for endpoint in sorted(groups, key=_order_key)],
        "all": row("all requests", records),
        "errors": [{"error": error, "count": count} for error, count in errors.most_common(20)],
    }


def slowest_page(timings: list[tuple[str, str, float]], *, clock: str) -> dict | None:
    """Of the pages a visitor opens without a session, the endpoint with
    the highest p95, and of its addresses the one slowest at the median
    (asked at least twice, if any was): what to profile. ``timings`` are
    (endpoint, path, ms), the server's own times if it logged them (the
    visitors' include the wait in the server's queue, the same for every
    page of a saturated server)."""
    by_endpoint = defaultdict(list)
    for endpoint, path, ms in timings:
        if endpoint in PROFILABLE:
            by_endpoint[endpoint].append((path, ms))
    if not by_endpoint:
        return None
    endpoint = max(by_endpoint, key=lambda name: percentile([ms for _p, ms in by_endpoint[name]], 0.95))
    by_path = defaultdict(list)
    for path, ms in by_endpoint[endpoint]:
        by_path[path].append(ms)
    repeated = {path: times for path, times in by_path.items() if len(times) > 1} or by_path
    path = max(repeated, key=lambda p: percentile(repeated[p], 0.5))
    return {
        "endpoint": endpoint,
        "clock": clock,
        "p95_ms": round(percentile([ms for _p, ms in by_endpoint[endpoint]], 0.95), 1),
        "path": path,
        "path_median_ms": round(percentile(repeated[path], 0.5), 1),
        "path_requests": len(repeated[path]),
    }


def wrk_parse(output: str) -> dict:
    """The figures of WRK_SCRIPT's line in wrk's output, in requests/s and
    milliseconds."""
    line = next((line for line in output.splitlines() if line.startswith("LOADBENCH ")), None)
    if line is None:
        raise ValueError(f"wrk printed no summary:\n{output[-2000:]}")
    raw = json.loads(line.removeprefix("LOADBENCH "))
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "duration_s": round(seconds, 1),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "median_ms": round(latency["p50"] / 1000, 1),
        "p95_ms": round(latency["p95"] / 1000, 1),
        "p99_ms": round(latency["p99"] / 1000, 1),
        "max_ms": round(latency["max"] / 1000, 1),
        "errors": sum(raw["errors"].values()),
        "error_kinds": {kind: count for kind, count in raw["errors"].items() if count},
    }


# Not bounded by \b: a folded subject's encoded words may be decoded
# without the space between them ("123456789012cần").
ORDER_NUMBER_IN_SUBJECT = re.compile(r"(?<!\d)\d{6,}(?:-\d+)?")
FILE_MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def mail_files_read(folder: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every e-mail Django's file backend wrote in
    ``folder`` (it separates the messages of one connection by a line of 79
    dashes)."""
    messages = []
    for path in sorted(folder.glob("*")):
        if not path.is_file():
            continue
        for chunk in path.read_bytes().split(FILE_MESSAGE_SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            for recipient in str(message.get("To", "")).split(","):
                messages.append((recipient.strip().lower(), str(message.get("Subject", ""))))
    return messages


def emails_compare(expected: set[tuple[str, str]], messages: list[tuple[str, str]]) -> dict:
    """Which expected (order number, recipient) pairs have an e-mail whose
    subject names the order, which have more than one."""
    sent = Counter()
    for recipient, subject in messages:
        for number in ORDER_NUMBER_IN_SUBJECT.findall(subject):
            sent[(number, recipient)] += 1
    return {
        "expected": len(expected),
        "sent": sum(1 for pair in expected if sent[pair]),
        "missing": sorted(
            f"{number} → {recipient}" for number, recipient in expected if not sent[(number, recipient)]
        ),
        "duplicated": sorted(
            f"{number} → {recipient}"
            for (number, recipient), count in sent.items()
            if count > 1 and (number, recipient) in expected
        ),
    }


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**missed**")


def targets_judge(result: dict) -> list[dict]:
    """The issue's targets against what was measured; ``met`` is None for
    what this run did not measure."""
    targets = []
    mixed = result.get("mixed") or {}
    overall = (mixed.get("summary") or {}).get("all")
    checks = mixed.get("checks") or {}
    if overall:
        failed_checkouts = (mixed.get("checkouts") or {}).get("failed", 0)
        errors = overall["errors"] + failed_checkouts
        targets.append({
            "target": "mixed scenario: 0 errors",
            "measured": f"{overall['errors']} failed requests of {overall['requests']}, "
            f"{failed_checkouts} failed checkouts",
            "met": errors == 0,
        })  # fmt: skip
        p95 = overall["p95_ms"]
        if p95 < MIXED_P95_TARGET_MS:
            margin = f"{MIXED_P95_TARGET_MS - p95:.0f} ms under"
        else:
            margin = f"{p95 - MIXED_P95_TARGET_MS:.0f} ms over, ×{p95 / MIXED_P95_TARGET_MS:.2f} the target"
        targets.append({
            "target": f"mixed scenario: p95 under {MIXED_P95_TARGET_MS} ms at {mixed.get('users')} users",
            "measured": f"p95 {p95:.0f} ms ({margin})",
            "met": p95 < MIXED_P95_TARGET_MS,
        })  # fmt: skip
    single = {(run["page"], run["page_cache"]): run for run in result.get("single") or []}
    ceiling = single.get(("ceiling", "on"))
    for page in ("catalogue list", "product page"):
        run = single.get((page, "on"))
        if ceiling and run and ceiling["rps"]:
            share = run["rps"] / ceiling["rps"]
            targets.append({
                "target": f"{page}, page cache on: ≥ {CEILING_SHARE_TARGET:.0%} of the ceiling's requests/s",
                "measured": f"{run['rps']:.0f} of {ceiling['rps']:.0f} req/s = {share:.0%}"
                + (f" ({(share - CEILING_SHARE_TARGET) * 100:+.0f} points)"),
                "met": share >= CEILING_SHARE_TARGET,
            })  # fmt: skip
    queries = result.get("query_counts") or {}
    for kind, label in (("catalogue", "catalogue list pages"), ("product", "product pages")):
        counts = [
            row["queries"] for row in queries.get("pages", []) if row["kind"] == kind and row.get("judged")
        ]
        if counts:
            targets.append({
                "target": f"{label}, page cache off: constant query count",
                "measured": ", ".join(str(count) for count in counts) + " queries",
                "met": len(set(counts)) == 1,
            })  # fmt: skip
    if checks:
        targets.append(
            {
                "target": "checkout under load: no oversold lot",
                "measured": checks["lots"]["summary"],
                "met": checks["lots"]["ok"],
            }
        )
        targets.append(
            {
                "target": "checkout under load: no lost order",
                "measured": checks["orders"]["summary"],
                "met": checks["orders"]["ok"],
            }
        )
        targets.append(
            {
                "target": "every placed order has its e-mails (sent by the worker)",
                "measured": checks["emails"]["summary"],
                "met": checks["emails"]["ok"],
            }
        )
    return targets


def _ms(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"


def report_markdown(result: dict) -> str:
    """The run as Markdown: what ran where, the tables, the checks, the
    targets and the profile."""
    meta = result["meta"]
    lines = [
        f"# Load benchmark, {meta['date']}",
        "",
        f"- Machine: {meta['machine']}",
        f"- Software: {meta['software']}",
        f"- Code: {meta['code']}",
        f"- Command: `{meta['command']}`",
        f"- Data: {meta.get('data', '–')}",
        f"- Server: {meta.get('server', '–')}",
        f"- Load average (1, 5, 15 min) before the run: {meta.get('load_before', '–')}; "
        f"after: {meta.get('load_after', '–')}",
    ]
    if meta.get("interrupted"):
        lines.append(f"- **Interrupted**: {meta['interrupted']}")
    single = result.get("single") or []
    if single:
        ceiling = next((run for run in single if run["page"] == "ceiling"), None)
        lines += [
            "",
            f"## Single pages (wrk, {meta['single']})",
            "",
            "| page | page cache | requests/s | median | p95 | p99 | errors | share of ceiling "
            "| server median | server p95 |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for run in single:
            share = (
                f"{run['rps'] / ceiling['rps']:.0%}"
                if ceiling and ceiling["rps"] and run is not ceiling
                else "–"
            )
            lines.append(
                f"| {run['page']} (`{run['path']}`) | {run['page_cache']} | {run['rps']:.1f} | "
                f"{_ms(run['median_ms'])} | {_ms(run['p95_ms'])} | {_ms(run['p99_ms'])} | {run['errors']} "
                f"| {share} | {_ms((run.get('server') or {}).get('median_ms'))} "
                f"| {_ms((run.get('server') or {}).get('p95_ms'))} |"
            )
        lines += [
            "",
            "Times in milliseconds: median to p99 as wrk saw them, server times from gunicorn's access log "
            "(from the request read to the response written: without the wait for a free worker). "
            + " ".join(run["note"] for run in single if run.get("note")),
        ]
        lines += ["", "CPU during each run:", ""]
        lines += [
            f"- {run['page']}, page cache {run['page_cache']}: {cpu_describe(run['cpu_cores'])}"
            for run in single
            if run.get("cpu_cores")
        ]
    mixed = result.get("mixed")
    if mixed and mixed.get("summary", {}).get("all"):
        summary = mixed["summary"]
        lines += [
            "",
            f"## Mixed scenario (locust, {mixed['users']} users, {mixed['description']})",
            "",
            "| endpoint | requests | requests/s | median | p95 | p99 | errors | page-cache hits "
            "| server median | server p95 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in [*summary["endpoints"], summary["all"]]:
            hits = "–" if row["cache_hit_share"] is None else f"{row['cache_hit_share']:.0%}"
            name = f"**{row['endpoint']}**" if row is summary["all"] else row["endpoint"]
            server = (mixed.get("server_times") or {}).get(row["endpoint"]) or {}
            lines.append(
                f"| {name} | {row['requests']} | {row['rps']:.1f} | {_ms(row['median_ms'])} | "
                f"{_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | {row['errors']} | {hits} | "
                f"{_ms(server.get('median_ms'))} | {_ms(server.get('p95_ms'))} |"
            )
        checkouts = mixed.get("checkouts") or {}
        failed_at = ", ".join(f"{step} ×{n}" for step, n in checkouts.get("failed_at", {}).items())
        lines += [
            "",
            f"Times in milliseconds over {summary['duration_s']:.0f} s, as the visitors saw them; server "
            "times from gunicorn's access log (without the wait for a free worker). Checkouts: "
            f"{checkouts.get('started', 0)} started, {checkouts.get('placed', 0)} placed, "
            f"{checkouts.get('sold_out', 0)} refused as sold out, "
            f"{checkouts.get('failed', 0)} failed"
            + (f" (at: {failed_at})" if checkouts.get("failed") else "")
            + ".",
        ]  # fmt: skip
        if mixed.get("cpu_cores"):
            lines += ["", f"CPU during the run: {cpu_describe(mixed['cpu_cores'])}."]
        if summary["errors"]:
            lines += ["", "Errors:", ""] + [f"- {e['count']} × {e['error']}" for e in summary["errors"]]
        checks = mixed.get("checks")
        if checks:
            lines += ["", "### Checks after the run", ""]
            for name in ("lots", "orders", "emails", "server_log"):
                check = checks.get(name)
                if check:
                    lines.append(f"- {'OK' if check['ok'] else '**FAILED**'} — {check['summary']}")
            traceback = (checks.get("server_log") or {}).get("first_traceback")
            if traceback:
                lines += ["", "First traceback in the server's log:", "", "```", traceback, "```"]
    queries = result.get("query_counts")
    if queries:
        lines += [
            "",
            "## SQL queries per page (page cache off, this process)",
            "",
            "| page | address | queries | time (ms) |",
            "|---|---|---:|---:|",
        ]
        for row in queries["pages"]:
            lines.append(f"| {row['label']} | `{row['path']}` | {row['queries']} | {row['ms']:.0f} |")
    targets = result.get("targets")
    if targets:
        lines += ["", "## Targets", "", "| target | measured | |", "|---|---|---|"]
        for target in targets:
            lines.append(f"| {target['target']} | {target['measured']} | {_verdict(target['met'])} |")
    profile = result.get("profile")
    if profile:
        lines += [
            "",
            f"## Profile: {profile['title']}",
            "",
            profile["summary"],
            "",
            "```",
            profile["text"].rstrip(),
            "```",
        ]
    return "\n".join(lines) + "\n"


# --- Processes -------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pid: int) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def process_stop(process: subprocess.Popen, *, grace: float) -> None:
    """SIGTERM to ``process`` (which stops its own children: honcho, locust),
    then after ``grace`` seconds SIGKILL to it and to every descendant still
    running, each by its pid."""
    if process.poll() is not None and not _descendants(process.pid):
        return
    family = _descendants(process.pid)
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        family += [pid for pid in _descendants(process.pid) if pid not in family]
        if process.poll() is not None and not any(_alive(pid) for pid in family):
            return
        time.sleep(0.2)
    for pid in [process.pid, *family]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def _process_group(info: dict, pid: int, server_pids: set[int], database: str) -> str:
    name = info["name"] or ""
    command = " ".join(info["cmdline"] or [])
    if pid in server_pids:
        if "gunicorn" in command:
            return "web"
        return "Celery" if "celery" in command else "server's other processes"
    if name.startswith("postgres"):
        # A backend's title names its database.
        return "PostgreSQL, bench database" if f" {database} " in command else "PostgreSQL, other work"
    if name.startswith("redis"):
        return "Redis"
    if name == "wrk" or "locust" in command:
        return "load generator"
    if pid == os.getpid():
        return "this driver"
    return ""


class CpuMeter:
    """Where the machine's CPU time went between ``start`` and ``stop``, in
    cores: the server's web workers and Celery, PostgreSQL (the bench
    database's backends, and the rest), Redis, the load generator, and
    everything else (the rest of the machine's busy time: other people's
    work on a shared machine). Processes are sampled every second, so one
    that ends in between (a database connection closed, a test run) is
    counted up to its last sample."""

    INTERVAL = 1.0

    def __init__(self, server: "Server | None", *, database: str = ""):
        self.server, self.database = server, database
        # (pid, start time) → [group, label, CPU seconds at first sight, at last sight]
        self.seen: dict[tuple, list] = {}

    def _sample(self, *, first: bool = False) -> None:
        import psutil

        server_pids = set()
        if self.server is not None and self.server.process is not None:
            server_pids = {self.server.process.pid, *_descendants(self.server.process.pid)}
        for process in psutil.process_iter(["name", "cmdline", "cpu_times", "create_time"]):
            info = process.info
            if info["cpu_times"] is None or info["create_time"] is None:
                continue
            cpu = info["cpu_times"].user + info["cpu_times"].system
            key = (process.pid, info["create_time"])
            if key in self.seen:
                self.seen[key][3] = cpu
                continue
            # Started after the first sample: all its time is the run's.
            baseline = cpu if first or info["create_time"] < self.started_at else 0.0
            label = " ".join(info["cmdline"] or [info["name"] or "?"])[:80]
            group = _process_group(info, process.pid, server_pids, self.database)
            self.seen[key] = [group, label, baseline, cpu]

    def _busy(self) -> float:
        import psutil

        total = psutil.cpu_times()
        return total.user + total.nice + total.system + total.irq + total.softirq + total.steal

    def _children(self) -> float:
        # wrk and locust have ended by the last sample: their time is in
        # what this process's finished children used.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return children.ru_utime + children.ru_stime

    def _loop(self) -> None:
        while not self.stopping.wait(self.INTERVAL):
            self._sample()

    def start(self) -> None:
        import threading

        self.started_at = time.time()
        self.began, self.busy_before, self.children_before = time.monotonic(), self._busy(), self._children()
        self._sample(first=True)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def stop(self) -> dict:
        self.stopping.set()
        self.thread.join()
        self._sample()
        seconds = max(time.monotonic() - self.began, 1e-9)
        groups, others = Counter(), Counter()
        for group, label, baseline, cpu in self.seen.values():
            if group:
                groups[group] += cpu - baseline
            else:
                others[label] += cpu - baseline
        groups["load generator"] += self._children() - self.children_before
        cores = {group: round(cpu / seconds, 2) for group, cpu in groups.most_common()}
        busy = (self._busy() - self.busy_before) / seconds
        cores["everything else"] = round(max(busy - sum(groups.values()) / seconds, 0.0), 2)
        cores["machine busy"] = round(busy, 2)
        # Who the rest was, when it was much: on a shared machine, other
        # people's test runs.
        cores["busiest others"] = {
            label: round(cpu / seconds, 2) for label, cpu in others.most_common(3) if cpu / seconds >= 0.05
        }
        return cores


def cpu_describe(cores: dict) -> str:
    parts = [
        f"{group} {value:.2f}"
        for group, value in cores.items()
        if group not in ("machine busy", "busiest others") and value
    ]
    described = f"{cores.get('machine busy', 0):.2f} of {os.cpu_count()} cores busy: " + ", ".join(parts)
    others = cores.get("busiest others")
    if others:
        described += (
            " (among the rest: "
            + "; ".join(f"`{label}` {value:.2f}" for label, value in others.items())
            + ")"
        )
    return described


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, *, timeout: float = 10.0) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "choque-load-bench"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    """deploy/serve-prod on 127.0.0.1:port, its output appended to a log."""

    def __init__(self, *, env: dict, port: int, log_path: Path, label: str):
        self.env, self.port, self.log_path, self.label = env, port, log_path, label
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.access_log = Path(env["WEB_ACCESS_LOG"])

    def access_log_mark(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def access_log_since(self, mark: int) -> list[tuple[str, str, float, int]]:
        """The requests gunicorn logged after ``mark`` (access_log_mark)."""
        if not self.access_log.exists():
            return []
        with open(self.access_log, "rb") as log:
            log.seek(mark)
            return access_log_parse(log.read().decode("utf-8", errors="replace"))

    def start(self, *, timeout: float = 600) -> None:
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"\n===== {datetime.datetime.now():%H:%M:%S} load.py: the server, {self.label} =====\n")
        log = open(self.log_path, "ab")  # noqa: SIM115  (kept open for the server's lifetime)
        # A session of its own: a Ctrl+C in the terminal reaches this driver
        # only, which stops the server in order.
        self.process = subprocess.Popen(
            [str(ROOT / "deploy" / "serve-prod")], cwd=ROOT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve-prod exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if http_get(self.base_url + "/healthz/", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"serve-prod did not answer /healthz/ within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            # gunicorn's graceful timeout is 20 s, Celery's warm shutdown
            # waits for the task in hand.
            process_stop(self.process, grace=45)
            self.process = None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# --- The database and the site, in this process ---------------------------------------


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def manage(args: list[str], *, env: dict, timeout: float) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def _loading_env(base_env: dict, database_url: str) -> dict:
    # The development settings: bench data is refused in production's. No
    # broker: the few tasks loading causes run in-process.
    env = {**base_env, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev"}
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)
    return env


def database_migrate(*, base_env: dict, database_url: str) -> None:
    env = _loading_env(base_env, database_url)
    manage(["database_create"], env=env, timeout=120)
    manage(["migrate", "--no-input", "--verbosity", "0"], env=env, timeout=1800)


def bench_data_ensure(*, base_env: dict, database_url: str, scale: float) -> None:
    """load_bench --scale S, unless its rows of that scale and a complete
    search index are there already: load_bench counts the orders earlier
    load runs placed (guests at @bench.example) as data it did not make, and
    refuses the database."""
    from marketplace import benchdata

    if benchdata.found_counts() == benchdata.counts_for(scale) and benchdata.search_index_complete():
        say(f"  bench data of scale {scale:g} already there: reused")
        return
    manage(["load_bench", "--scale", f"{scale:g}"], env=_loading_env(base_env, database_url), timeout=3600)


def site_env(*, base_env: dict, database_url: str, redis_url: str, secret_key: str) -> dict:
    """The production settings' environment, for the server and this process."""
    return {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": f"{redis_url}/{BROKER_DB}",
        "CACHE_URL": f"{redis_url}/{CACHE_DB}",
        "SECRET_KEY": secret_key,
        "HTTPS_ONLY": "0",
    }


def django_setup(env: dict, *, page_cache_seconds: int = 0) -> None:
    """Django in this process with the production settings, the page cache
    off unless asked (it measures and profiles rendering) and the test
    client's host allowed."""
    os.environ.update(
        {
            **env,
            "PAGE_CACHE_SECONDS": str(page_cache_seconds),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def data_describe() -> str:
    from django.db import connection

    from marketplace import benchdata

    counts = benchdata.found_counts()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    described = ", ".join(
        f"{counts[name]:,} {label}" for name, label in benchdata.LABELS.items() if counts[name]
    )
    earlier = orders_of_load_runs().count()
    if earlier:
        described += f"; {earlier:,} orders placed by earlier load runs"
    return (
        f"{described or 'no bench rows'} (PostgreSQL {version}, database {connection.settings_dict['NAME']})"
    )


def targets_collect(*, rng_seed: int = 9) -> dict:
    """What the scenario visits, read from the bench database: the
    catalogue's page count and filter values, samples of products, lots and
    destination pages, products with plenty of stock to buy, and communes
    of the shipping address form."""
    import random

    from django.db.models import F, Sum
    from oscar.core.loading import get_model

    from catalog import selectors
    from catalog.forms import SORT_CHOICES
    from catalog.models import Lot
    from catalog.views.browse import PAGE_SIZE
    from cms.models import DestinationPage
    from cooperatives.models import AdministrativeUnit
    from marketplace.checkout.forms import address_lines, address_units

    StockRecord = get_model("partner", "StockRecord")
    rng = random.Random(rng_seed)
    products = selectors.storefront_products()
    product_count = products.count()
    choices = selectors.storefront_filter_choices()
    ids = list(products.order_by().values_list("pk", flat=True))
    sample = rng.sample(ids, min(len(ids), 3000))
    from catalog.models import Product

    product_urls = [p.get_absolute_url() for p in Product.objects.filter(pk__in=sample).only("pk", "slug")]
    # Enough stock that a three-minute run cannot sell it out (a sold-out
    # refusal is right, but not what this measures), and few enough
    # products that concurrent checkouts take units of the same lots.
    in_stock = (
        StockRecord.objects.filter(product__in=products)
        .annotate(free=F("num_in_stock") - F("num_allocated"))
        .filter(free__gte=150)
        .order_by("-free", "pk")
        .values_list("product_id", flat=True)[:20]
    )
    buyable = [
        {"pk": p.pk, "url": p.get_absolute_url()}
        for p in Product.objects.filter(pk__in=list(in_stock)).only("pk", "slug")
    ]
    lot_codes = list(
        Lot.objects.filter(product__in=products).order_by("?").values_list("code", flat=True)[:3000]
    )
    destinations = [
        page.get_url()
        for page in DestinationPage.objects.live().filter(locale__language_code="vi").order_by("?")[:300]
    ]
    addresses = []
    for commune in (
        address_units(AdministrativeUnit.Level.COMMUNE).select_related("parent__parent").order_by("?")[:30]
    ):
        _lines, _district, province = address_lines(commune)
        addresses.append({"province": province.pk, "commune": commune.pk})
    filters = {
        "district": [str(unit.pk) for unit in choices["districts"]],
        "commune": [str(unit.pk) for unit in choices["communes"]],
        "cooperative": [str(c.pk) for c in choices["cooperatives"]],
        "category": [str(c.pk) for c in choices["categories"]],
        "ocop": [str(stars) for stars in choices["ocop_levels"]],
        "certification": [value for value, _label in choices["certification_schemes"]],
        "sort": [value for value, _label in SORT_CHOICES if value != "newest"],
    }
    missing = [name for name, found in (("products to buy", buyable), ("lots", lot_codes),
               ("destination pages", destinations), ("communes", addresses)) if not found]  # fmt: skip
    if missing or not product_urls:
        raise RuntimeError(f"The bench database has nothing for: {', '.join(missing or ['products'])}.")
    return {
        "products_on_sale": product_count,
        "catalogue_pages": max(1, math.ceil(product_count / PAGE_SIZE)),
        "filters": filters,
        "products": product_urls,
        "checkout_products": buyable,
        "lots": lot_codes,
        "destinations": destinations,
        "addresses": addresses,
        "stock_to_buy": StockRecord.objects.filter(product_id__in=[p["pk"] for p in buyable]).aggregate(
            free=Sum(F("num_in_stock") - F("num_allocated"))
        )["free"],
    }


def lots_state() -> dict[int, tuple[int, int, int]]:
    """Every lot's (quantity, available, allocated to order lines)."""
    from django.db.models import Sum

    from catalog.models import Lot

    return {
        pk: (quantity, available, allocated or 0)
        for pk, quantity, available, allocated in Lot.objects.annotate(allocated=Sum("allocations__quantity"))
        .order_by()
        .values_list("pk", "quantity", "quantity_available", "allocated")
    }


def orders_of_load_runs():
    """Orders the locustfile's guests placed (at @bench.example)."""
    from oscar.core.loading import get_model

    return get_model("order", "Order").objects.filter(guest_email__endswith="@bench.example")


def orders_of_run(emails: list[str]):
    from oscar.core.loading import get_model

    return get_model("order", "Order").objects.filter(guest_email__in=emails)


def lots_check(before: dict, run_emails: list[str]) -> dict:
    """No lot gives out more than it holds: none holds less than nothing or
    more than its quantity, none has more allocated than its quantity; each
    lot lost exactly the units allocated from it during the run; the units
    of the run's orders all come from lots; no stock record has more
    allocated than in stock."""
    from django.db.models import F, Sum
    from oscar.core.loading import get_model

    from catalog.models import LotAllocation

    StockRecord = get_model("partner", "StockRecord")
    Line = get_model("order", "Line")
    after = lots_state()
    beyond = [pk for pk, (quantity, available, allocated) in after.items()
              if available < 0 or available > quantity or allocated > quantity]  # fmt: skip
    unbalanced = []
    for pk, (_quantity, available, allocated) in after.items():
        _q, available_before, allocated_before = before.get(pk, (0, available, allocated))
        if available_before - available != allocated - allocated_before:
            unbalanced.append(pk)
    lines = Line.objects.filter(order__guest_email__in=run_emails)
    sold = lines.aggregate(units=Sum("quantity"))["units"] or 0
    from_lots = LotAllocation.objects.filter(line__in=lines).aggregate(units=Sum("quantity"))["units"] or 0
    over_allocated = StockRecord.objects.filter(num_allocated__gt=F("num_in_stock")).count()
    touched = sum(1 for pk, state in after.items() if before.get(pk) != state)
    ok = not beyond and not unbalanced and sold == from_lots and not over_allocated
    return {
        "ok": ok,
        "lots_changed": touched,
        "beyond_quantity": beyond[:20],
        "unbalanced": unbalanced[:20],
        "units_sold": sold,
        "units_from_lots": from_lots,
        "stock_records_over_allocated": over_allocated,
        "summary": (
            f"{touched} lots changed during the run; {len(beyond)} with available or allocated units beyond "
            f"their quantity, {len(unbalanced)} whose available units did not fall by what was allocated "
            "from "
            f"them; {sold} units sold in the run's orders, {from_lots} of them allocated from lots; "
            f"{over_allocated} stock records with more allocated than in stock"
        ),
    }


def orders_check(checkouts: list[dict]) -> dict:
    """Every checkout the scenario saw placed has its order (by the guest's
    e-mail, with the number its thank-you page showed)."""
    placed = {c["email"]: c["order_number"] for c in checkouts if c["outcome"] == "placed"}
    emails = [c["email"] for c in checkouts]
    found = dict(orders_of_run(emails).values_list("guest_email", "number"))
    lost = sorted(email for email in placed if email not in found)
    wrong_number = sorted(
        email for email, number in placed.items() if email in found and found[email] != number
    )
    unseen = sorted(email for email in found if email not in placed)
    return {
        "ok": not lost and not wrong_number,
        "placed_seen": len(placed),
        "in_database": len(found),
        "lost": lost[:20],
        "wrong_number": wrong_number[:20],
        "placed_unseen": len(unseen),
        "summary": (
            f"{len(placed)} checkouts seen placed, {len(placed) - len(lost)} of them in the database with "
            f"the number their thank-you page showed"
            + (f" ({len(wrong_number)} with another number)" if wrong_number else "")
            + "; "
            f"{len(lost)} lost; {len(unseen)} orders of checkouts the scenario did not see finish "
            "(stopped at the end of the run)"
        ),
    }  # fmt: skip


def emails_expected(run_emails: list[str]) -> set[tuple[str, str]]:
    """(order number, address) of each e-mail the run's orders must send:
    the buyer's confirmation, and each cooperative's new order."""
    from oscar.core.loading import get_model

    FulfilmentGroup = get_model("order", "FulfilmentGroup")
    expected = set()
    for order in orders_of_run(run_emails).only("number", "guest_email"):
        expected.add((order.number, order.guest_email.lower()))
    for number, address in (
        FulfilmentGroup.objects.filter(order__guest_email__in=run_emails)
        .exclude(partner__cooperative__email="")
        .exclude(partner__cooperative__email__isnull=True)
        .values_list("order__number", "partner__cooperative__email")
    ):
        expected.add((number, address.lower()))
    return expected


def emails_check(run_emails: list[str], mail_dir: Path, *, wait: float) -> dict:
    """Wait up to ``wait`` seconds for the worker to write every expected
    e-mail, then compare."""
    from django.db import connection

    from marketplace.models import UndeliveredTask

    expected = emails_expected(run_emails)
    started = time.monotonic()
    while True:
        compared = emails_compare(expected, mail_files_read(mail_dir))
        if not compared["missing"] or time.monotonic() - started > wait:
            break
        time.sleep(2)
    kept = UndeliveredTask.objects.count()
    connection.close()
    waited = time.monotonic() - started
    ok = not compared["missing"] and not compared["duplicated"] and not kept
    return {
        "ok": ok,
        **{key: value[:20] if isinstance(value, list) else value for key, value in compared.items()},
        "undelivered_tasks": kept,
        "waited_s": round(waited, 1),
        "summary": (
            f"{compared['sent']} of {compared['expected']} e-mails the run's orders must send are written "
            f"(buyer's confirmation and each cooperative's new order; {waited:.0f} s after the run), "
            f"{len(compared['missing'])} missing, {len(compared['duplicated'])} sent twice; "
            f"{kept} tasks kept undelivered for want of a broker"
        ),
    }


def server_log_check(log_path: Path) -> dict:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    tracebacks = [index for index, line in enumerate(lines) if "Traceback (most recent call last)" in line]
    timeouts = sum(1 for line in lines if "WORKER TIMEOUT" in line)
    errors = sum(1 for line in lines if " ERROR " in line or "[ERROR]" in line or "[CRITICAL]" in line)
    first = "\n".join(lines[tracebacks[0] - 2 : tracebacks[0] + 45]) if tracebacks else ""
    return {
        "ok": not tracebacks and not timeouts,
        "tracebacks": len(tracebacks),
        "worker_timeouts": timeouts,
        "error_lines": errors,
        "first_traceback": first,
        "summary": (
            f"server log: {len(tracebacks)} tracebacks, {timeouts} worker timeouts, {errors} error lines "
            f"({log_path.name})"
        ),
    }


def _product_shapes(targets: dict) -> list[tuple[str, str, bool]]:
    """Product pages of several shapes: with a raw-material area (whose
    certifications the page reads) and the fewest, a middling and the most
    images and lots; and one without an area, which reads no certifications
    (one query fewer, whatever the product)."""
    from django.db.models import Count

    from catalog.models import Product

    pks = [product["pk"] for product in targets["checkout_products"]]
    pks += [int(url.rstrip("/").rsplit("_", 1)[1]) for url in targets["products"][:300]]
    products = Product.objects.filter(pk__in=pks).annotate(
        images_count=Count("images", distinct=True), lots_count=Count("lots", distinct=True)
    )
    with_area = list(products.exclude(raw_material_area=None).order_by("images_count", "lots_count", "pk"))
    chosen = []
    if with_area:
        spread = dict.fromkeys([with_area[0], with_area[len(with_area) // 2], with_area[-1]])
        chosen = [(product, True) for product in spread]
    without_area = products.filter(raw_material_area=None).first()
    if without_area is not None:
        chosen.append((without_area, not with_area))
    return [
        (
            f"product page ({'a' if product.raw_material_area_id else 'no'} raw-material area, "
            f"{product.images_count} images, {product.lots_count} lots)",
            product.get_absolute_url(),
            judged,
        )
        for product, judged in chosen
    ]


def query_counts(targets: dict) -> dict:
    """SQL queries and time of list and product pages at several positions
    and of several shapes, rendered by this process (page cache off): the
    counts must not grow with the page or the product. Only pages of the
    same shape are compared (``judged``)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = targets["catalogue_pages"]
    rows = [("catalogue", "catalogue list, page 1", "/shop/catalogue/", True)]
    if pages > 2:
        rows.append(("catalogue", "catalogue list, page 2", "/shop/catalogue/?page=2", True))
    if pages > 4:
        rows.append(("catalogue", "catalogue list, middle page", f"/shop/catalogue/?page={pages // 2}", True))
    if pages > 1:
        rows.append(("catalogue", "catalogue list, last page", f"/shop/catalogue/?page={pages}", True))
    category = (targets["filters"]["category"] or [None])[0]
    if category:
        rows.append(
            ("catalogue", "catalogue list, one category", f"/shop/catalogue/?category={category}", False)
        )
    rows += [("product", label, path, judged) for label, path, judged in _product_shapes(targets)]
    rows.append(("trace", "trace page", f"/trace/{targets['lots'][0]}/", False))
    rows.append(("destination", "destination page", targets["destinations"][0], False))
    rows.append(("search", "search “cam sanh”", "/search/?q=cam+sanh", False))
    client = Client()
    results = []
    for kind, label, path, judged in rows:
        client.get(path)  # warm: templates, the first connection
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        results.append({
            "kind": kind, "label": label, "path": path, "status": response.status_code,
            "queries": len(captured.captured_queries), "ms": elapsed, "judged": judged,
        })  # fmt: skip
    return {"pages": results}


def profile_page(path: str, *, requests: int = 5) -> dict:
    """Render ``path`` ``requests`` times under pyinstrument, after one
    warm-up, and time its SQL: where a page's time goes."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    client.get(path)
    sql = {"queries": 0, "seconds": 0.0}

    def timed(execute, sql_text, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql["queries"] += 1
            sql["seconds"] += time.perf_counter() - started

    profiler = Profiler(interval=0.001)
    statuses = []
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.start()
        for _ in range(requests):
            statuses.append(client.get(path).status_code)
        profiler.stop()
    total = time.perf_counter() - started
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    # The top of the tree is what matters; the rest is below a few ms.
    top = "\n".join(text.splitlines()[:90])
    per_request = total / requests * 1000
    return {
        "path": path,
        "requests": requests,
        "statuses": sorted(set(statuses)),
        "ms_per_request": round(per_request, 1),
        "sql_ms_per_request": round(sql["seconds"] / requests * 1000, 1),
        "queries_per_request": sql["queries"] / requests,
        "text": top,
        "summary": (
            f"`{path}` asked {requests} times in this process (production settings, page cache "
            f"{'on' if settings.PAGE_CACHE_SECONDS else 'off'}, "
            f"under the profiler): {per_request:.0f} ms a request, of which "
            f"{sql['seconds'] / requests * 1000:.0f} ms in {sql['queries'] / requests:.0f} SQL queries; "
            f"HTTP {', '.join(map(str, sorted(set(statuses))))}."
        ),
    }  # fmt: skip


def collectstatic_ensure(env: dict) -> None:
    # The production settings' templates need the hashed names' manifest,
    # which serve-prod writes; a --profile run on its own may come first.
    static_root = Path(env.get("STATIC_ROOT", ROOT / "staticfiles"))
    if not (static_root / "staticfiles.json").exists():
        manage(["collectstatic", "--no-input", "--verbosity", "0"], env=env, timeout=900)


# --- The runs -------------------------------------------------------------------


def wrk_run(*, url: str, seconds: int, connections: int, script: Path) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, start_new_session=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    return wrk_parse(done.stdout)


def single_runs(
    server: Server, pages: list[tuple[str, str]], *, page_cache: str, args, script: Path
) -> list[dict]:
    runs = []
    for page, path in pages:
        url = server.base_url + path
        # Fills the page cache and opens the workers' connections.
        status, headers, _body = http_get(url)
        wrk_run(url=url, seconds=WARM_UP_SECONDS, connections=args.connections, script=script)
        status, headers, _body = http_get(url)
        say(
            f"  wrk {page} ({path}), page cache {page_cache}: {args.single_seconds} s, "
            f"{args.connections} connections"
        )
        meter = CpuMeter(server, database=database_name(server.env["DATABASE_URL"]))
        mark = server.access_log_mark()
        meter.start()
        run = wrk_run(url=url, seconds=args.single_seconds, connections=args.connections, script=script)
        run["cpu_cores"] = meter.stop()
        run["server"] = server_times_summarise(server.access_log_since(mark)).get("all requests")
        cache_header = headers.get("X-Page-Cache", "")
        run.update(page=page, path=path, page_cache=page_cache, status=status, cache_header=cache_header)
        if page != "ceiling" and page_cache == "on" and cache_header != "hit":
            run["note"] = f"{page}: the page cache answered “{cache_header or 'nothing'}”, not a hit."
        say(
            f"    {run['rps']:.1f} req/s, median {run['median_ms']} ms, p95 {run['p95_ms']} ms, "
            f"{run['errors']} errors"
        )
        runs.append(run)
    return runs


def mixed_run(
    server: Server, *, args, base_env: dict, run_dir: Path, targets_path: Path, locust_log: Path
) -> dict:
    records_path = run_dir / "records.json"
    env = {
        **base_env,
        "LOAD_BENCH_TARGETS": str(targets_path),
        "LOAD_BENCH_RECORDS": str(records_path),
        "LOAD_BENCH_WAIT": f"{args.wait[0]},{args.wait[1]}",
    }
    locust = Path(sys.executable).parent / "locust"
    command = [
        str(locust), "-f", str(LOCUSTFILE), "--headless", "--users", str(args.users),
        "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s", "--host", server.base_url,
        # A checkout under way when time is up finishes, so its order is
        # seen (or its failure counted).
        "--stop-timeout", "30", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    say(
        f"  locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.duration} s, "
        f"wait {args.wait[0]}–{args.wait[1]} s"
    )
    with open(locust_log, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        meter = CpuMeter(server, database=database_name(server.env["DATABASE_URL"]))
        mark = server.access_log_mark()
        meter.start()
        try:
            process.wait(timeout=args.duration + 120)
        finally:
            process_stop(process, grace=20)
        cpu_cores = meter.stop()
        logged = server.access_log_since(mark)
    if not records_path.exists():
        raise RuntimeError(
            f"locust wrote no records; its log:\n{locust_log.read_text(errors='replace')[-3000:]}"
        )
    return {**json.loads(records_path.read_text(encoding="utf-8")), "cpu_cores": cpu_cores, "logged": logged}


def checkouts_count(checkouts: list[dict]) -> dict:
    failed = [c for c in checkouts if c["outcome"] == "failed"]
    return {
        "started": len(checkouts),
        "placed": sum(1 for c in checkouts if c["outcome"] == "placed"),
        "sold_out": sum(1 for c in checkouts if c["outcome"] == "sold out"),
        "failed": len(failed),
        "failed_at": dict(Counter(c["step"] for c in failed)),
        "failures": [f"{c['step']}: {c['error']}" for c in failed[:10]],
    }


def machine_describe() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    return (
        f"{os.cpu_count()} cores ({model or platform.machine()}), {memory_kb / 1024 / 1024:.0f} GB, "
        f"{platform.system()} {platform.release()}"
    )


def code_describe() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _wait_range(value: str) -> tuple[float, float]:
    low, _sep, high = value.partition(",")
    low, high = float(low), float(high or low)
    if low < 0 or high < low:
        raise argparse.ArgumentTypeError("expected MIN,MAX seconds with 0 ≤ MIN ≤ MAX")
    return low, high


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="bench data scale for load_bench (1)")
    parser.add_argument("--duration", type=int, default=180, help="seconds of the mixed scenario (180)")
    parser.add_argument("--users", type=int, default=50, help="visitors of the mixed scenario (50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="visitors started a second (10)")
    parser.add_argument(
        "--wait", type=_wait_range, default=(1.0, 3.0),
        help="MIN,MAX seconds a visitor pauses between two actions (1,3)",
    )  # fmt: skip
    parser.add_argument("--single-seconds", type=int, default=20, help="seconds of each wrk run (20)")
    parser.add_argument("--connections", type=int, default=16, help="connections of each wrk run (16)")
    parser.add_argument(
        "--skip-single", action="store_true", help="no wrk runs (nor the server without page cache)"
    )
    parser.add_argument("--skip-mixed", action="store_true", help="no mixed scenario (nor its checks)")
    parser.add_argument(
        "--skip-load", action="store_true", help="use the database as it is: no migrate, no load_bench"
    )
    parser.add_argument("--port", type=int, default=0, help="the server's port (a free one)")
    parser.add_argument(
        "--mail-wait", type=float, default=90, help="seconds the worker has to write the e-mails (90)"
    )
    parser.add_argument(
        "--redis", default=DEFAULT_REDIS_URL, help=f"Redis server ({DEFAULT_REDIS_URL}); uses DBs 2 and 3"
    )
    parser.add_argument(
        "--profile", metavar="URL", help="only profile this page in this process, and print it"
    )
    parser.add_argument("--profile-requests", type=int, default=5, help="requests profiled (5)")
    parser.add_argument(
        "--profile-page-cache", action="store_true",
        help="with --profile: the page cache on (Redis DB 3), so the requests after the first are hits",
    )  # fmt: skip
    return parser.parse_args(argv)


def profile_main(args, *, base_env: dict, database_url: str) -> int:
    env = site_env(
        base_env=base_env,
        database_url=database_url,
        redis_url=args.redis,
        secret_key=secrets.token_urlsafe(64),
    )
    collectstatic_ensure(env)
    django_setup(env, page_cache_seconds=PAGE_CACHE_SECONDS if args.profile_page_cache else 0)
    path = args.profile
    if path.startswith("http"):
        parts = urlsplit(path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    profile = profile_page(path, requests=args.profile_requests)
    say(profile["summary"].replace("`", ""))
    say(profile["text"])
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = arguments(argv)
    base_env = dict(os.environ)
    database_url = base_env.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if "bench" not in database_name(database_url):
        say(
            "The database's name must contain “bench” (it is filled with bench data): "
            f"{database_name(database_url)!r}."
        )
        return 2
    if args.profile:
        return profile_main(args, base_env=base_env, database_url=database_url)
    missing = [tool for tool, needed in (("wrk", not args.skip_single),) if needed and not shutil.which(tool)]
    if not (Path(sys.executable).parent / "locust").exists() and not args.skip_mixed:
        missing.append("locust (pip install -r requirements-bench.txt)")
    if missing:
        say(f"Missing: {', '.join(missing)}.")
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    RESULTS_DIR.mkdir(exist_ok=True)
    started_at = datetime.datetime.now().astimezone()
    stamp = f"{started_at:%Y%m%d-%H%M%S}"
    run_dir = Path(tempfile.mkdtemp(prefix="choque-load-"))
    mail_dir = run_dir / "mail"
    mail_dir.mkdir()
    server_log = RESULTS_DIR / f"load-{stamp}-server.log"
    locust_log = RESULTS_DIR / f"load-{stamp}-locust.log"
    script = run_dir / "summary.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    secret_key = secrets.token_urlsafe(64)
    env = site_env(base_env=base_env, database_url=database_url, redis_url=args.redis, secret_key=secret_key)
    port = args.port or free_port()
    server_env = {
        **env,
        "BIND": f"127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # django-environ drops the first slash of the path: four slashes
        # make an absolute folder.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        # The access log production keeps, in a file rather than through
        # honcho's output (cheaper), with the server's own time of each
        # request.
        "WEB_ACCESS_LOG": str(run_dir / "access.log"),
        "GUNICORN_CMD_ARGS": (
            f"{base_env.get('GUNICORN_CMD_ARGS', '')} --access-logformat '{ACCESS_LOG_FORMAT}'"
        ).strip(),
        "WEB_MAX_REQUESTS": base_env.get("WEB_MAX_REQUESTS", BENCH_MAX_REQUESTS),
        "CELERY_BEAT_SCHEDULE_FILE": str(run_dir / "celerybeat-schedule"),
        "BIN": os.path.relpath(Path(sys.executable).parent, ROOT),
    }
    result = {
        "meta": {
            "date": f"{started_at:%Y-%m-%d %H:%M %z}",
            "machine": machine_describe(),
            "software": f"Python {platform.python_version()}, wrk and locust as in requirements-bench.txt",
            "code": code_describe(),
            "command": " ".join(
                ([f"DATABASE_URL={database_url}"] if "DATABASE_URL" in base_env else [])
                + [".venv/bin/python", "bench/load.py", *(argv if argv is not None else sys.argv[1:])]
            ),
            "load_before": load_average(),
            "single": f"{args.connections} connections, {args.single_seconds} s each "
            f"after {WARM_UP_SECONDS} s of warm-up",
        },
        "single": [],
    }  # fmt: skip
    server = None
    clock = time.monotonic()

    def phase(title):
        say(f"[{time.monotonic() - clock:6.0f} s] {title}")

    try:
        if not args.skip_load:
            phase(f"Database {database_name(database_url)}: migrate, load_bench --scale {args.scale:g}")
            database_migrate(base_env=base_env, database_url=database_url)
        django_setup(env)
        if not args.skip_load:
            bench_data_ensure(base_env=base_env, database_url=database_url, scale=args.scale)
        clock = time.monotonic()  # the 10 minutes are counted from here
        import redis

        result["meta"]["data"] = data_describe()
        targets = targets_collect()
        targets_path = run_dir / "targets.json"
        targets_path.write_text(json.dumps(targets), encoding="utf-8")
        for db in (BROKER_DB, CACHE_DB):
            redis.Redis.from_url(f"{args.redis}/{db}").flushdb()
        workers = int(base_env.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
        result["meta"]["server"] = (
            f"deploy/serve-prod on 127.0.0.1: gunicorn {workers} workers × "
            f"{base_env.get('WEB_THREADS', '1')} "
            f"thread(s), Celery worker (concurrency {base_env.get('CELERY_CONCURRENCY', '2')}) and beat; "
            f"Redis {args.redis} DBs {BROKER_DB} (broker) and {CACHE_DB} (cache); page cache "
            f"{PAGE_CACHE_SECONDS} s unless said off; workers replaced after "
            f"{server_env['WEB_MAX_REQUESTS']} requests; access log to a file; the load generators (wrk, "
            "locust) on the same machine"
        )
        product_path = targets["checkout_products"][0]["url"]
        pages = [
            ("ceiling", "/healthz/"),
            ("catalogue list", "/shop/catalogue/"),
            ("product page", product_path),
        ]

        phase("Server, page cache on")
        server = Server(env={**server_env, "PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS)}, port=port,
                        log_path=server_log, label="page cache on")  # fmt: skip
        server.start()
        if not args.skip_single:
            phase("Single pages, page cache on")
            result["single"] += single_runs(server, pages, page_cache="on", args=args, script=script)
        if not args.skip_mixed:
            phase("Mixed scenario")
            before = lots_state()
            records = mixed_run(
                server, args=args, base_env=base_env, run_dir=run_dir, targets_path=targets_path,
                locust_log=locust_log,
            )  # fmt: skip
            checkouts = records["checkouts"]
            run_emails = [c["email"] for c in checkouts]
            mixed = {
                "users": args.users,
                "description": (
                    f"{args.duration} s, spawn rate {args.spawn_rate}/s, {args.wait[0]:g}–{args.wait[1]:g} s "
                    "between two actions of a visitor"
                ),
                "summary": endpoints_summarise(records["requests"]),
                "server_times": server_times_summarise(records["logged"]),
                "checkouts": checkouts_count(checkouts),
                "cpu_cores": records["cpu_cores"],
            }
            if records["logged"]:
                mixed["slowest_page"] = slowest_page(
                    [(e, path, ms) for e, path, ms, status in records["logged"] if status < 400],
                    clock="the server's",
                )
            else:
                mixed["slowest_page"] = slowest_page(
                    [(r[0], r[7], r[2]) for r in records["requests"] if r[1] == "GET" and not r[4]],
                    clock="the visitors'",
                )
            result["mixed"] = mixed
            phase("Checks: lots, orders, e-mails")
            mixed["checks"] = {
                "lots": lots_check(before, run_emails),
                "orders": orders_check(checkouts),
                "emails": emails_check(run_emails, mail_dir, wait=args.mail_wait),
            }
        server.stop()
        if not args.skip_mixed:
            result["mixed"]["checks"]["server_log"] = server_log_check(server_log)
        if not args.skip_single:
            phase("Server, page cache off")
            redis.Redis.from_url(f"{args.redis}/{CACHE_DB}").flushdb()
            server = Server(env={**server_env, "PAGE_CACHE_SECONDS": "0"}, port=port, log_path=server_log,
                            label="page cache off")  # fmt: skip
            server.start()
            phase("Single pages, page cache off")
            result["single"] += single_runs(server, pages[1:], page_cache="off", args=args, script=script)
            server.stop()
        phase("Query counts and profile, in this process")
        result["query_counts"] = query_counts(targets)
        slowest = (result.get("mixed") or {}).get("slowest_page")
        if slowest:
            profile = profile_page(slowest["path"], requests=args.profile_requests)
            profile["title"] = (
                f"{slowest['endpoint']}, the slowest page of the mixed scenario in {slowest['clock']} "
                f"times (p95 {slowest['p95_ms']:.0f} ms; `{slowest['path']}`: median "
                f"{slowest['path_median_ms']:.0f} ms over {slowest['path_requests']} requests)"
            )
            result["profile"] = profile
    except KeyboardInterrupt as interruption:
        result["meta"]["interrupted"] = f"stopped by {str(interruption) or 'Ctrl+C'}"
        say("Interrupted: stopping the server.")
    except Exception as error:
        result["meta"]["interrupted"] = f"{type(error).__name__}: {error}"[:2000]
        raise
    finally:
        if server is not None:
            server.stop()
        result["meta"]["load_after"] = load_average()
        result["targets"] = targets_judge(result)
        phase("Report")
        json_path = RESULTS_DIR / f"load-{stamp}.json"
        markdown_path = RESULTS_DIR / f"load-{stamp}.md"
        json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        markdown = report_markdown(result)
        markdown_path.write_text(markdown, encoding="utf-8")
        say("")
        say(markdown)
        say(
            f"Written: {json_path.relative_to(ROOT)}, {markdown_path.relative_to(ROOT)} "
            f"(logs: {server_log.name}, {locust_log.name})"
        )
        checks = (result.get("mixed") or {}).get("checks") or {}
        if all(check.get("ok", True) for check in checks.values()):
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            say(f"A check failed: its e-mails and records are kept in {run_dir}.")
    return 1 if result["meta"].get("interrupted") else 0


if __name__ == "__main__":
    sys.exit(main())
