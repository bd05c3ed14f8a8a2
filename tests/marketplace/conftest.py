"""localstripe, a stateful Stripe-compatible server from PyPI, started on
loopback for the payment and checkout tests; the real ``stripe`` library
talks to it."""

import socket
import subprocess
import sys
import time

import pytest

# localstripe's own launcher listens on every interface; this one binds it
# to 127.0.0.1 only.
SERVER = (
    "import sys; from aiohttp import web; from localstripe.server import app; "
    "web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)"
)
STARTUP_SECONDS = 20


def free_port() -> int:
    """A port no one listens on, on 127.0.0.1 (for the servers tests start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    pytest.importorskip("localstripe", reason="localstripe is not installed (requirements-dev.txt)")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"localstripe did not start: {process.stderr.read().decode()[-2000:]}"
                ) from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


WEBHOOK_SECRET = "whsec_choque_test"


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_SECRET_KEY = "sk_test_choque"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_choque"
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings
