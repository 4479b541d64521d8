"""Errors a user can cause. The CLI prints them as one line and exits with status 1."""


class MarqueeError(Exception):
    """A problem the user can fix (bad source, missing credentials, failed build).

    The message is a single sentence that names what failed and why; it never
    contains a secret.

    `transient`: the problem may pass on its own (the network, a server's 5xx or 429, a warehouse
    busy with another run or not answering), so retrying the same step later is worthwhile. Every
    other error is permanent (a bad feed, missing credentials, a failed data test): retrying it
    would fail the same way. The orchestrator retries only transient errors.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def first_line(error: object) -> str:
    """The first line of an error's text (its type's name when it has none): what a one-line
    message quotes of a library's multi-line error."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
