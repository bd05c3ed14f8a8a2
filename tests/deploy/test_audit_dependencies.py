"""The dependency audit (deploy/audit-dependencies, run by `make test`).

Its advisory lookup needs a network this machine may not have; the version
floors it enforces need none, and are what these tests check.
"""

import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "audit-dependencies"


@pytest.fixture(scope="module")
def audit():
    loader = SourceFileLoader("audit_dependencies", str(SCRIPT))
    module = module_from_spec(spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5.2.19", (5, 2, 19)), ("12.3.0", (12, 3, 0)), ("8.0.1rc1", (8, 0, 1)), ("13.0", (13, 0))],
)
def test_versions_compare_as_numbers(audit, text, expected):
    assert audit.version_tuple(text) == expected


def test_a_release_below_a_floor_fails_the_audit(audit):
    packages = {"django": "5.2.18", "wagtail": "8.0.1", "pillow": "12.2.9"}
    assert audit.floors_broken(packages) == [
        "django 5.2.18 is older than 5.2.19",
        "pillow 12.2.9 is older than 12.3.0",
    ]


def test_a_missing_package_fails_the_audit(audit):
    assert audit.floors_broken({"django": "5.2.19", "pillow": "13.0.0"}) == ["wagtail is not installed"]


def test_the_installed_packages_meet_the_floors(audit):
    packages = audit.installed(sys.executable)
    assert {"django", "wagtail", "pillow"} <= packages.keys()
    assert audit.floors_broken(packages) == []
