"""The site the journeys run against: the demo as a newcomer gets it from
`make demo`, served by `manage.py runserver` on 127.0.0.1 in a process of its
own, on a database of its own (PostgreSQL when DATABASE_URL names one, as in
CI; otherwise a SQLite file), migrated and loaded with `load_demo` once per
test session.

The journeys log in with the demo users' public passwords and check what
they do through the pages, as the people they stand for would. E-mails go to
files the tests can read; card payments go to localstripe.
"""

import email
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.marketplace.conftest import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = BASE_DIR / "test-artifacts" / "e2e"
BUILD_SECONDS = 600
START_SECONDS = 60

# The demo users `load_demo` creates (README, "Who uses it").
BUYER = ("nguoimua@choque.example", "mua-hang-2025")
COOPERATIVE_STAFF = ("htx.sontra@choque.example", "che-shan-tuyet")
TOURISM_OFFICER = ("dulich", "tan-trao-1945")
PROVINCE_OFFICER = ("sotinh", "ke-hoach-215")
PLATFORM_ADMIN = ("quantri", "quan-tri-cho-que")

STRIPE_SECRET_KEY = "sk_test_choque_e2e"
STRIPE_PUBLISHABLE_KEY = "pk_test_choque_e2e"


def _database_url(workdir: Path) -> tuple[str, bool]:
    """The run's own PostgreSQL database next to DATABASE_URL's, emptied
    first; or a SQLite file in the session's temporary folder. Also whether
    it is kept from an earlier run: E2E_KEEP_DATABASE=1 reuses the last
    run's PostgreSQL database (while writing tests; journeys leave data
    behind)."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'e2e.sqlite3'}", False
    import psycopg

    parts = urllib.parse.urlsplit(configured)
    name = f"{parts.path.lstrip('/') or 'choque'}_e2e"
    server = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    url = parts._replace(path=f"/{name}").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and os.environ.get("E2E_KEEP_DATABASE") == "1":
            return url, True
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url, False


@dataclass
class DemoSite:
    url: str
    database_url: str
    mail_dir: Path
    env: dict
    log_path: Path

    def manage(self, *args: str) -> str:
        """Runs a management command against the site's database (for what
        only a shell reaches, e.g. the Stripe webhook's outcome)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def mails(self) -> list[email.message.Message]:
        """Every e-mail the site has sent, oldest first."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda path: path.stat().st_mtime):
            # The file backend writes each message followed by a line of dashes.
            for chunk in path.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk))
        return messages

    def mails_to(self, address: str) -> list[email.message.Message]:
        return [message for message in self.mails() if address in message.get("To", "")]


def mail_text(message: email.message.Message) -> str:
    """The plain-text body of a message, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            # Django sends Vietnamese as 8bit, which the file backend writes
            # as text and message_from_string keeps as text: only base64 and
            # quoted-printable bodies are encoded.
            if part.get("Content-Transfer-Encoding", "").lower() not in ("base64", "quoted-printable"):
                return part.get_payload()
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def build(workdir: Path, stripe_url: str) -> DemoSite:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mail_dir = workdir / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    database_url, kept = _database_url(workdir)
    env = {
        key: value
        for key, value in os.environ.items()
        # Tasks run in the server's process (eager), as in the demo.
        if key not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE", "CACHE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",
        DATABASE_URL=database_url,
        SITE_URL=url,
        MEDIA_ROOT=str(workdir / "media"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private-media"),
        # Four slashes: an absolute path (three would be relative).
        EMAIL_URL=f"filemail:///{mail_dir}",
        STRIPE_SECRET_KEY=STRIPE_SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=STRIPE_PUBLISHABLE_KEY,
        STRIPE_API_BASE=stripe_url,
        STRIPE_WEBHOOK_SECRET="whsec_choque_e2e",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "server.log"
    site = DemoSite(url=url, database_url=database_url, mail_dir=mail_dir, env=env, log_path=log_path)
    started = time.monotonic()
    for command in [] if kept else (["migrate", "--no-input"], ["load_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env,
            capture_output=True, text=True, timeout=BUILD_SECONDS,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{result.stderr[-3000:]}")
    # Messages sent while loading (approvals) are not the journeys' own.
    shutil.rmtree(mail_dir)
    mail_dir.mkdir()
    print(f"\ndemo site built in {time.monotonic() - started:.0f} s on {database_url.split(':')[0]}")  # noqa: T201
    return site


def serve(site: DemoSite) -> subprocess.Popen:
    port = urllib.parse.urlsplit(site.url).port
    log = site.log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR, env=site.env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{site.url}/healthz/", timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the demo site did not start; see {site.log_path}")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
