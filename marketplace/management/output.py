"""What the project's data-loading commands print."""

import contextlib
import logging


@contextlib.contextmanager
def task_log_quiet(quiet: bool):
    """Without a broker, tasks run in-process (the demo's order e-mails,
    search index updates) and Wagtail's for every page published, each
    logging a line at INFO: those lines are kept out of a loading command's
    output unless asked for with -v 2."""
    loggers = [logging.getLogger(name) for name in ("celery.app.trace", "django_tasks")]
    levels = [logger.level for logger in loggers]
    if quiet:
        for logger in loggers:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
