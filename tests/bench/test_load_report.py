"""The load benchmark's figures and report (bench/load.py): the driver's
pure parts, with made-up measurements. The benchmark itself never runs in
the test suite."""

import email.message
import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "load.py"
_spec = importlib.util.spec_from_file_location("bench_load", _PATH)
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)


def request(name, ms, *, method="GET", error="", cache="", at=0.0, path="/"):
    return [name, method, ms, 500 if error else 200, error, cache, at, path]


def test_percentiles_interpolate_between_ranks():
    times = list(range(1, 101))  # 1 … 100 ms
    assert load.percentile(times, 0.5) == pytest.approx(50.5)
    assert load.percentile(times, 0.95) == pytest.approx(95.05)
    assert load.percentile([7.0], 0.99) == 7.0


def test_each_endpoint_gets_its_rate_times_errors_and_cache_hits():
    records = [request("catalogue list", 10, cache="hit", at=second) for second in range(10)]
    records += [request("catalogue list", 200, cache="miss", at=9.8)]
    records += [request("checkout: place order", 400, method="POST", error="HTTP 500", at=5)]

    summary = load.endpoints_summarise(records)

    rows = {row["endpoint"]: row for row in summary["endpoints"]}
    assert set(rows) == {"catalogue list", "checkout: place order (POST)"}
    catalogue = rows["catalogue list"]
    assert catalogue["requests"] == 11 and catalogue["errors"] == 0
    assert catalogue["median_ms"] == 10 and catalogue["p99_ms"] > 100
    assert catalogue["cache_hit_share"] == pytest.approx(10 / 11, abs=0.001)
    # Over the run's 10 s (first start to last end).
    assert catalogue["rps"] == pytest.approx(1.1, abs=0.01)
    assert rows["checkout: place order (POST)"]["errors"] == 1
    assert summary["all"]["requests"] == 12 and summary["all"]["errors"] == 1
    assert summary["errors"] == [{"error": "checkout: place order (POST): HTTP 500", "count": 1}]


def test_the_slowest_page_to_profile_is_an_anonymous_page_at_its_slowest_address():
    timings = [("product page", "/shop/catalogue/a_1/", 50.0)] * 20
    timings += [("search", "/search/?q=mat+ong", 120.0)] * 5 + [("search", "/search/?q=cam", 300.0)] * 5
    # A checkout step needs a session: never the one profiled.
    timings += [("checkout: place order (POST)", "/shop/checkout/preview/", 2000.0)]

    slowest = load.slowest_page(timings, clock="server")

    assert slowest["endpoint"] == "search" and slowest["path"] == "/search/?q=cam"
    assert slowest["path_median_ms"] == 300.0 and slowest["path_requests"] == 5


def test_the_server_s_access_log_is_named_as_the_scenario_names_its_requests():
    log = "\n".join([
        "200 1500 GET /healthz/?",
        "200 48000 GET /shop/catalogue/?page=3",
        "200 61000 GET /shop/catalogue/?category=4&page=2",
        "200 9000 GET /shop/catalogue/cam-sanh-ham-yen_42/?",
        "302 250000 POST /shop/checkout/preview/?",
        "302 30000 POST /shop/checkout/?",
        "200 90000 GET /diem-den/na-hang/thac-mo/?",
        "Booting worker with pid: 12",  # the rest of the log is ignored
    ])  # fmt: skip

    logged = load.access_log_parse(log)

    assert [endpoint for endpoint, _path, _ms, _status in logged] == [
        "ceiling", "catalogue list", "catalogue list, filtered", "product page",
        "checkout: place order (POST)", "checkout: guest e-mail (POST)", "destination page",
    ]  # fmt: skip
    assert logged[1][1:] == ("/shop/catalogue/?page=3", 48.0, 200)
    times = load.server_times_summarise(logged)
    assert times["catalogue list"] == {"requests": 1, "median_ms": 48.0, "p95_ms": 48.0}
    assert times["all requests"]["requests"] == 7


def test_wrk_summary_line_becomes_requests_per_second_and_milliseconds():
    output = (
        "Running 20s test @ http://127.0.0.1:8000/healthz/\n"
        'LOADBENCH {"requests": 20000, "duration_us": 20000000, "errors": {"connect": 0, "read": 0, '
        '"write": 0, "status": 3, "timeout": 1}, "latency_us": {"p50": 15000, "p95": 40500, '
        '"p99": 80000, "mean": 17000.0, "max": 120000}}\n'
    )
    run = load.wrk_parse(output)
    assert run["rps"] == 1000.0
    assert (run["median_ms"], run["p95_ms"], run["p99_ms"]) == (15.0, 40.5, 80.0)
    assert run["errors"] == 4 and run["error_kinds"] == {"status": 3, "timeout": 1}


def _mail(to, subject):
    message = email.message.EmailMessage()
    message["To"], message["Subject"] = to, subject
    message.set_content("…")
    return message.as_bytes()


def test_e_mails_written_by_the_file_backend_are_matched_to_orders(tmp_path):
    separator = b"\n" + b"-" * 79 + b"\n"
    (tmp_path / "1.log").write_bytes(
        _mail("lan@example.vn", "Chợ Quê: đơn hàng 123456789012 của bạn đã được đặt") + separator
    )
    (tmp_path / "2.log").write_bytes(
        _mail("htx@example.vn", "Chợ Quê: đơn hàng mới 123456789012 cần xác nhận") + separator
        + _mail("htx@example.vn", "Chợ Quê: đơn hàng mới 123456789012 cần xác nhận") + separator
    )  # fmt: skip
    expected = {
        ("123456789012", "lan@example.vn"),
        ("123456789012", "htx@example.vn"),
        ("999999999999-7", "minh@example.vn"),
    }

    compared = load.emails_compare(expected, load.mail_files_read(tmp_path))

    assert compared["sent"] == 2
    assert compared["missing"] == ["999999999999-7 → minh@example.vn"]
    assert compared["duplicated"] == ["123456789012 → htx@example.vn"]


def _result(*, p95, catalogue_rps, failed_checkouts=0):
    row = {
        "requests": 1000,
        "rps": 20.0,
        "median_ms": 40.0,
        "p95_ms": p95,
        "p99_ms": p95 * 2,
        "max_ms": 900.0,
    }
    return {
        "meta": {
            "date": "2026-12-02 14:00 +0700", "machine": "2 cores", "software": "Python 3.11",
            "code": "commit x", "command": ".venv/bin/python bench/load.py", "single": "16 connections",
        },
        "single": [
            {"page": "ceiling", "path": "/healthz/", "page_cache": "on", "rps": 1000.0, "median_ms": 5.0,
             "p95_ms": 9.0, "p99_ms": 12.0, "errors": 0},
            {"page": "catalogue list", "path": "/shop/catalogue/", "page_cache": "on", "rps": catalogue_rps,
             "median_ms": 20.0, "p95_ms": 30.0, "p99_ms": 40.0, "errors": 0},
        ],
        "mixed": {
            "users": 50, "description": "180 s",
            "summary": {
                "duration_s": 180, "errors": [],
                "endpoints": [{"endpoint": "catalogue list", "errors": 0, "cache_hit_share": 0.9, **row}],
                "all": {"endpoint": "all requests", "errors": 0, "cache_hit_share": 0.5, **row},
            },
            "checkouts": {
                "started": 40, "placed": 40 - failed_checkouts, "sold_out": 0, "failed": failed_checkouts,
            },
        },
    }  # fmt: skip


def test_targets_say_by_how_much_they_are_missed():
    result = _result(p95=350.0, catalogue_rps=500.0, failed_checkouts=2)

    targets = {target["target"]: target for target in load.targets_judge(result)}

    p95 = targets["mixed scenario: p95 under 300 ms at 50 users"]
    assert p95["met"] is False and "50 ms over" in p95["measured"]
    errors = targets["mixed scenario: 0 errors"]
    assert errors["met"] is False and "2 failed checkouts" in errors["measured"]
    ceiling = targets["catalogue list, page cache on: ≥ 40% of the ceiling's requests/s"]
    assert ceiling["met"] is True and "50%" in ceiling["measured"]


def test_the_markdown_report_has_the_tables_and_the_verdicts():
    result = _result(p95=120.0, catalogue_rps=300.0)
    result["targets"] = load.targets_judge(result)

    markdown = load.report_markdown(result)

    assert "| catalogue list (`/shop/catalogue/`) | on | 300.0 | 20.0 | 30.0 | 40.0 | 0 | 30% |" in markdown
    assert "| **all requests** | 1000 | 20.0 | 40.0 | 120.0 | 240.0 | 0 | 50% |" in markdown
    assert "| mixed scenario: p95 under 300 ms at 50 users | p95 120 ms (180 ms under) | met |" in markdown
    assert "300 of 1000 req/s = 30% (-10 points) | **missed** |" in markdown
