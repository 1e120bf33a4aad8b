"""Dialogs: import progress and report, collection name/description, About."""
