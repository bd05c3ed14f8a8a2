"""Who sees the ledger in Oscar's dashboard menu. Imported by the settings,
so it loads no models."""


def ledger_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.has_perm("ledger.view_ledgeraccount")
