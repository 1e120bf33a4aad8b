"""The thumbnail grid: model (ids, lazy rows), thumbnail loader, tile delegate and view."""

from photoarchive.ui.grid.loader import ThumbnailLoader
from photoarchive.ui.grid.model import ID_ROLE, MIME_IDS, PhotoGridModel, ids_from_mime
from photoarchive.ui.grid.view import PhotoGridView

__all__ = ["ID_ROLE", "MIME_IDS", "PhotoGridModel", "PhotoGridView", "ThumbnailLoader",
           "ids_from_mime"]
