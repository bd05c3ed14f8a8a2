"""Who sees the cooperative's entries in Oscar's dashboard menu.

Imported by the settings, so it loads models only when called.
"""


def cooperative_staff_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    from cooperatives.selectors import cooperative_of_user

    return cooperative_of_user(user=user) is not None
