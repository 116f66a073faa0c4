"""Typed errors, one hierarchy: a user mistake or an unreadable fact is never a bare traceback.

Everything drverify raises on purpose derives from :class:`DrverifyError`, whose message is one
line a person can act on; anything else that escapes is a bug, reported as an internal error.
"""


class DrverifyError(Exception):
    """Base class: the message is one line a person can act on."""


class InventoryError(DrverifyError):
    """The inventory file cannot be used: names the file, the key path and what was expected."""


class FactsUnavailable(DrverifyError):
    """A whole side's facts for an area could not be read (unreachable host, permission denied
    for the area's command, a snapshot without the area).

    Raised while setting up a check, so pytest reports an *error*: unknown is never OK. One
    unreadable *item* is not this: it is an :class:`~drverify.drift.records.Unverified` record
    beside the drift that was verified.
    """


class FactError(DrverifyError):
    """An area's facts cannot be read from what the host returned; the message is the reason."""


class LabError(DrverifyError):
    """A lab step failed; the message is one line naming the step and the reason.

    Fixtures that build the lab let it propagate, so pytest reports a setup *error*
    (the lab is unusable) rather than a test failure that could be mistaken for drift.
    """
