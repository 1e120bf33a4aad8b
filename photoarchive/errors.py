"""Typed errors shared by every layer. Leaf module: no project imports.

Services raise these; the CLI turns them into one line on stderr and an exit code,
the window into a message box. Their text is meant for the user: plain and specific.
"""


class PhotoarchiveError(Exception):
    """Base class of every error the user may see."""


class UsageError(PhotoarchiveError):
    """The user asked for something that cannot be done as asked (bad field, id, value)."""


class InvalidDate(UsageError):
    """A date that is neither EDTF nor one of the common forms we accept."""


class QueryError(UsageError):
    """A search query that cannot be parsed."""


class NotFound(UsageError):
    """A photo, collection or file that does not exist."""


class CatalogError(PhotoarchiveError):
    """The catalog cannot be opened, is damaged, or is of an unknown version."""


class CatalogDamaged(CatalogError):
    """The catalog file is damaged; `path` names it so a backup can be offered."""

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class MediaError(PhotoarchiveError):
    """A file that cannot be read as an image (corrupt, truncated, too large, not an image)."""
