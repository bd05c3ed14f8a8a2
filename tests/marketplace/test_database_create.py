import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL databases are created by the command"
)
@pytest.mark.django_db
def test_a_missing_database_is_created_and_an_existing_one_left_alone(monkeypatch):
    name = f"choque_created_{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(connection.settings_dict, "NAME", name)
    output = io.StringIO()
    try:
        call_command("database_create", stdout=output)
        call_command("database_create", stdout=output)
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name])
            assert cursor.fetchone()[0] == 1
        assert output.getvalue().count(f"Created the database {name}.") == 1
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
