"""The metadata editor: a dock with every descriptive field, multi-selection and undo."""

from photoarchive.ui.editor.dock import EditorDock

__all__ = ["EditorDock"]
