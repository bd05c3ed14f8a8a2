"""Who sees the cooperative's entries in Oscar's dashboard menu.

Imported by the settings, so it loads models only when called.
"""


def cooperative_staff_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    # Asked once per menu entry: the answer is kept on the user object,
    # which lives for one request, so the menu costs one query, not ten.
    cached = getattr(user, "_cooperative_staff_access", None)
    if cached is None:
        from cooperatives.selectors import cooperative_of_user

        cached = cooperative_of_user(user=user) is not None
        user._cooperative_staff_access = cached
    return cached
