"""Errors a user can cause. The CLI prints them as one line and exits with status 1."""


class MarqueeError(Exception):
    """A problem the user can fix (bad source, missing credentials, failed build).

    The message is a single sentence that names what failed and why; it never
    contains a secret.
    """
