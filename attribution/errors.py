"""Named exceptions, all of them; the CLI edge turns each into a one-line error and a non-zero exit."""

from __future__ import annotations

from collections.abc import Sequence


class AttributionError(Exception):
    """Base class for every error the tool reports to a user."""


class InputError(AttributionError):
    """An input file or record cannot be read: missing, empty, binary, not UTF-8, too large, malformed."""


class OutputError(AttributionError):
    """An output file cannot be written: a folder, under a missing folder, no permission, disk full."""


class ConfigError(AttributionError):
    """A setting has a bad value; the message says how to fix it."""


class ModelError(AttributionError):
    """A model folder or base encoder cannot be loaded."""


class DatabaseNotFoundError(AttributionError):
    """The database file does not exist (nothing has been scored into it)."""


class QueryError(AttributionError):
    """A query argument is invalid (bad date, unknown kind, empty search)."""


class NotFoundError(QueryError):
    """What the user asked for is not in the database."""


class UnknownSourceError(NotFoundError):
    """No source has this name, alias or surname; ``suggestions`` are the closest known names."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"did you mean {', '.join(self.suggestions)}?" if self.suggestions else "`attribution sources` lists them"
        super().__init__(f"no source matches {name!r}; {hint}")


class EmbeddingsMissingError(AttributionError):
    """Claim matching needs stored embeddings, and none have been computed yet."""


class DatabaseError(AttributionError):
    """A database cannot be opened, read or written: missing, read-only, full, locked too long, damaged."""


class ForeignDatabaseError(DatabaseError):
    """The database was not made by this tool (no schema marker): it is refused and left untouched."""


class AttributionWarning(UserWarning):
    """Something the user should know about a result that was still produced; the CLI prints one line."""


class TruncatedSentenceWarning(AttributionWarning):
    """A sentence longer than the model reads was analysed only in its first part."""


class StaleFixWarning(AttributionWarning):
    """An editor's statement fix matched no statement of the re-scored article, so it was not applied."""


class OutdatedDatabaseError(DatabaseError):
    """The database was made by an older attribution: ``attribution db upgrade`` brings it to this version's schema."""
