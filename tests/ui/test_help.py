"""Help → Keyboard Shortcuts and Help → Search Syntax: made from the tables the code uses, so
they list every key the window has and every filter the search parser knows."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from photoarchive.services.photos import query_ids


def _help_action(window, text: str) -> QAction:
    help_menu = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu()
    found = [a for a in help_menu.actions() if a.text().replace("&", "") == text]
    assert found, f"Help has no {text!r}: {[a.text() for a in help_menu.actions()]}"
    return found[0]


def _open_dialog(qtbot, window, text: str) -> QDialog:
    _help_action(window, text).trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog)))
    return next(d for d in window.findChildren(QDialog) if d.isVisible())


def test_every_window_shortcut_is_in_the_help_and_every_help_row_is_a_shortcut(
        qtbot, sample_window) -> None:
    window = sample_window
    dialog = _open_dialog(qtbot, window, "Keyboard Shortcuts")
    rows = dialog.rows()  # (where, what it does, keys) as shown
    shown_keys = {keys for _where, _does, keys in rows}

    native = QKeySequence.SequenceFormat.NativeText
    with_keys = [a for a in window.findChildren(QAction) if a.shortcuts()]
    assert len(with_keys) >= 15
    from photoarchive.ui.shortcuts import SHORTCUTS, keys_of, on_every_keyboard

    for action in with_keys:  # (keys only some keyboards have, such as Undo, are not listed)
        keys = ", ".join(k.toString(native) for k in action.shortcuts() if on_every_keyboard(k))
        assert keys in shown_keys, f"{action.text()!r} ({keys}) is not in the help"
    by_name = {a.objectName(): a for a in with_keys}
    assert len(by_name) == len(with_keys), "each action with keys names its table row"
    here = [s for s in SHORTCUTS if keys_of(s.name)]  # (Quit has no key on some platforms)
    for shortcut in here:
        if shortcut.action:  # a menu action carries exactly these keys
            assert [k.toString() for k in by_name[shortcut.name].shortcuts()] == \
                [k.toString() for k in keys_of(shortcut.name)]
    assert set(by_name) == {s.name for s in here if s.action}
    assert [(where, does) for where, does, _keys in rows] == [(s.where, s.does) for s in here]
    full_screen = next(keys for _w, does, keys in rows if does.startswith("Full screen"))
    assert "F11" in full_screen.split(", ")
    assert ("View", "Leave full screen", "Esc") in rows
    dialog.close()


def test_search_syntax_lists_every_filter_with_an_example_that_works(
        qtbot, sample_window) -> None:
    window = sample_window
    dialog = _open_dialog(qtbot, window, "Search Syntax")
    rows = dialog.rows()  # (example, what it finds)
    from photoarchive.catalog.query import FILTERS  # the parser's own list

    examples = [example for example, _finds in rows]
    for name in FILTERS:
        assert any(e.startswith(f"{name}:") or f" {name}:" in e for e in examples), name
    for example in examples:  # every example is a query the search accepts
        query_ids(window.archive, example)
    assert all(f"{n}:" in window.search.edit.toolTip() for n in FILTERS)  # the box's tip too
    dialog.close()


def test_no_key_or_example_is_cut_short(qtbot, sample_window) -> None:
    """The keys (and the search examples) are never elided ("Ctrl+…"): their columns are as
    wide as their longest text, in whatever font the machine has; descriptions wrap."""
    for text, whole in (("Keyboard Shortcuts", (0, 2)), ("Search Syntax", (0,))):
        dialog = _open_dialog(qtbot, sample_window, text)
        table = dialog.table
        for column in whole:
            qtbot.waitUntil(lambda t=table, c=column: t.columnWidth(c) > 0)
            assert table.sizeHintForColumn(column) <= table.columnWidth(column), (text, column)
        dialog.close()
