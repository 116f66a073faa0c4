"""Typed errors: a user mistake or an unreadable fact is never a bare traceback."""


class DrverifyError(Exception):
    """Base class: the message is one line a person can act on."""


class InventoryError(DrverifyError):
    """The inventory file cannot be used: names the file, the key path and what was expected."""


class FactsUnavailable(DrverifyError):
    """A fact could not be read (unreachable host, permission denied, timeout, garbage output).

    Raised while setting up a check, so pytest reports an *error*: unknown is never OK.
    """
