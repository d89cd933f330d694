"""Named exceptions; the CLI turns each into a one-line error and a non-zero exit."""


class AttributionError(Exception):
    """Base class for every error the tool reports to a user."""


class InputError(AttributionError):
    """An input file or record cannot be read: missing, empty, binary, not UTF-8, too large, malformed."""


class ConfigError(AttributionError):
    """A setting has a bad value; the message says how to fix it."""


class ModelError(AttributionError):
    """A model folder or base encoder cannot be loaded."""


class DatabaseError(AttributionError):
    """A database cannot be opened, read or written: missing, read-only, full, locked too long, damaged."""


class ForeignDatabaseError(DatabaseError):
    """The database was not made by this tool (no schema marker): it is refused and left untouched."""


class AttributionWarning(UserWarning):
    """Something the user should know about a result that was still produced; the CLI prints one line."""


class TruncatedSentenceWarning(AttributionWarning):
    """A sentence longer than the model reads was analysed only in its first part."""
