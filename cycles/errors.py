"""Errors the domain raises. Each message says what was wrong and, where it helps, what is allowed."""


class CyclesError(Exception):
    """Base of every error Learning Cycles reports to its user."""


class ConfigError(CyclesError):
    """A community or settings file, or a key that refers to it, is not valid."""


class TransitionError(CyclesError):
    """A step of the iterate loop that the cycle's current state does not allow."""


class NotFoundError(CyclesError):
    """A cycle (or other record) that does not exist."""


class ConflictError(CyclesError):
    """A change based on a stale read: someone else changed the cycle meanwhile."""


class ImportFileError(CyclesError):
    """An import file that cannot be read or does not validate; nothing was written."""


class StorageError(CyclesError):
    """The database cannot be reached, opened or upgraded."""
