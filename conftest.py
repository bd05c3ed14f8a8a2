import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a folder of its own, never to media/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
