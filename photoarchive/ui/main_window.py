"""The main window: wires the sidebar, search bar, grid, viewer, editor dock, menus and
status bar together. Behaviour lives in those parts; this module only connects them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from photoarchive.errors import PhotoarchiveError
from photoarchive.services import collections
from photoarchive.services.archive import Archive
from photoarchive.services.browse import reorder_collection, sidebar_counts
from photoarchive.settings import Settings
from photoarchive.ui.commands import RotateCommand
from photoarchive.ui.dialogs.about import show_about
from photoarchive.ui.dialogs.catalogs import choose_catalog, fill_recent_menu
from photoarchive.ui.dialogs.collection import ChooseCollectionDialog
from photoarchive.ui.dialogs.help import add_help_actions
from photoarchive.ui.dialogs.importing import ImportController, ImportJob
from photoarchive.ui.editor import EditorDock
from photoarchive.ui.full_screen import FullScreen
from photoarchive.ui.grid.page import GridPage
from photoarchive.ui.jobs import Jobs
from photoarchive.ui.publishing import PublishingActions
from photoarchive.ui.safety import SafetyActions
from photoarchive.ui.shortcuts import keys_of
from photoarchive.ui.sidebar import Sidebar, Source
from photoarchive.ui.sync_badges import SyncStates
from photoarchive.ui.tile_menu import TileActions
from photoarchive.ui.viewer import PhotoViewer
from photoarchive.ui.welcome import WelcomeView
from photoarchive.ui.window_state import restore_layout, save_layout
from photoarchive.ui.workers import Workers
from photoarchive.ui.writeback_actions import WritebackActions


class MainWindow(QMainWindow):
    """One catalog's window. Signals: `results_changed(count)` after the grid's photos
    change, `import_finished(ImportReport)`, `catalog_requested(path, create)`."""

    results_changed = Signal(int)
    import_finished = Signal(object)
    catalog_requested = Signal(object, bool)

    def __init__(self, archive: Archive, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.archive, self.settings = archive, settings
        self.setWindowTitle(f"{archive.path.stem} — photoarchive")
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.workers = Workers(max_threads=1, parent=self)  # sidebar counts
        self.undo_stack = QUndoStack(self)
        self.total = -1  # photos in the catalog, once counted
        self.browser = page = GridPage(archive, settings)
        self.grid, self.model, self.loader, self.search = page.grid, page.model, page.loader, \
            page.search
        page.reload()  # the query runs while the rest of the window is built
        self.importer = ImportController(archive, settings, self)
        self.jobs, self.sync = Jobs(self), SyncStates(archive, self)  # menu jobs, file badges
        self.writeback = WritebackActions(archive, self, self.undo_stack, self.jobs, self.sync)
        self.publishing = PublishingActions(archive, self, self.undo_stack, self.jobs)
        self.viewer = PhotoViewer(archive)
        self.welcome = WelcomeView(str(archive.path))
        self.pages = QStackedWidget()
        for page in (self.welcome, self.browser, self.viewer):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self.full_screen = FullScreen(self, self.pages, self.viewer)

        self.sidebar = Sidebar(archive)
        self.sidebar_dock = self._dock("Library", self.sidebar,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.editor = self._make_editor()
        self.safety = SafetyActions(archive, settings, self, self.jobs)  # backups, relink, watch
        self.sync.attach(self.model, self.editor.set_file_state)
        self.tiles = TileActions(self)  # the grid's context menu and Delete key
        self._build_status_bar()
        self._build_menus()
        self.full_screen.keep_shortcuts()
        self._connect()
        self.persist_state = True  # False for screenshots: leave the user's layout alone
        self.resizeDocks([self.sidebar_dock, self.editor], [240, 340], Qt.Orientation.Horizontal)
        self.restore_state()
        self.grid.setFocus()  # arrows, Enter and Ctrl+A work at once

    # -- building ------------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = widget if isinstance(widget, QDockWidget) else QDockWidget(title, self)
        if dock is not widget:
            dock.setWidget(widget)
        dock.setObjectName(f"{title}Dock")
        self.addDockWidget(area, dock)
        return dock

    def _make_editor(self) -> EditorDock:
        dock = EditorDock(self.archive, self.undo_stack, parent=self)
        dock.edited.connect(self._edited)
        dock.notice.connect(lambda text: self.statusBar().showMessage(text, 15000))
        dock.next_requested.connect(lambda: self.step(1))
        dock.previous_requested.connect(lambda: self.step(-1))
        dock.setMinimumWidth(300)
        self._dock("Editor", dock, Qt.DockWidgetArea.RightDockWidgetArea)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.import_progress = self.importer.progress
        self.count_label = QLabel()
        self.selection_label = QLabel()
        self.size_slider = self.browser.size_slider
        for widget in (self.import_progress, self.jobs.progress, self.count_label,
                       self.selection_label, self.size_slider):
            bar.addPermanentWidget(widget)

    def _action(self, menu, text: str, slot, shortcut: str | None = None,
                checkable: bool = False) -> QAction:
        """A menu action; `shortcut` names its keys' row in ui.shortcuts (the help's table)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setObjectName(shortcut)
            action.setShortcuts(list(keys_of(shortcut)))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        self._action(m, "&Import Folder…", self.importer.choose_folder, "import_folder")
        self._action(m, "Import &Files…", self.importer.choose_files, "import_files")
        self.publishing.add_actions(m)
        m.addSeparator()
        self.safety.add_actions(m)
        m.addSeparator()
        self._action(m, "&New Catalog…", lambda: self.choose_catalog(create=True), "new_catalog")
        self._action(m, "&Open Catalog…", lambda: self.choose_catalog(create=False), "open_catalog")
        self.recent_menu = m.addMenu("Open &Recent Catalog")
        self.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(
            self.recent_menu, self.settings.recent_catalogs, self.archive.path,
            lambda path: self.catalog_requested.emit(path, False)))
        m.addSeparator()
        self._action(m, "&Quit", self.close, "quit").setMenuRole(QAction.MenuRole.QuitRole)
        m = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        for action, name in ((undo, "undo"), (redo, "redo")):
            action.setObjectName(name)
            action.setShortcuts(list(keys_of(name)))
        m.addActions([undo, redo])
        m.addSeparator()
        self._action(m, "Select &All", self.grid.selectAll, "select_all")
        self._action(m, "&Find…", self.focus_search, "find")
        m = bar.addMenu("&View")
        self._action(m, "&Grid", self.show_grid)
        self.open_action = self._action(m, "&Viewer", lambda: self.open_viewer())
        m.addSeparator()
        self._action(m, "&Larger", self.zoom_in, "zoom_in")
        self._action(m, "&Smaller", self.zoom_out, "zoom_out")
        self.fit_action = self._action(m, "&Fit Photo in Window", self.viewer.view.fit)
        self.actual_action = self._action(m, "Actual Si&ze (100 %)", self.viewer.view.actual_size)
        titles = self._action(m, "Show &Titles Under Thumbnails", self._set_titles, checkable=True)
        titles.setChecked(self.settings.show_titles)
        m.addSeparator()
        m.addAction(self.sidebar_dock.toggleViewAction())
        m.addAction(self.editor.toggleViewAction())
        self._action(m, "F&ull Screen", self.toggle_full_screen, "full_screen")
        m = bar.addMenu("&Photo")
        self.back_action = self._action(m, "&Back to Grid", self.show_grid)
        self.prev_action = self._action(m, "&Previous Photo", lambda: self.step(-1),
                                        "previous_photo")
        self.next_action = self._action(m, "&Next Photo", lambda: self.step(1), "next_photo")
        m.addSeparator()
        self.left_action = self._action(m, "Rotate &Left", lambda: self.rotate(-1), "rotate_left")
        self.right_action = self._action(m, "Rotate &Right", lambda: self.rotate(1), "rotate_right")
        m.addSeparator()
        self._action(m, "Add to &Collection…", self.add_to_collection, "add_to_collection")
        self.tiles.add_actions(m)
        m.addSeparator()
        self.writeback.add_actions(m)
        m = bar.addMenu("&Help")
        add_help_actions(m, self)
        m.addSeparator()
        self._action(m, "&About photoarchive", lambda: show_about(self))
        for action, short in ((self.back_action, "Back to grid"), (self.prev_action, "◀"),
                              (self.next_action, "▶"), (self.fit_action, "Fit"),
                              (self.actual_action, "100 %"), (self.left_action, "⟲ Rotate"),
                              (self.right_action, "Rotate ⟳")):
            action.setIconText(short)
        self.viewer.add_actions([self.back_action, None, self.prev_action, self.next_action,
                                 None, self.fit_action, self.actual_action, None,
                                 self.left_action, self.right_action])

    def _connect(self) -> None:
        self.browser.results_changed.connect(self._results_changed)
        self.browser.results_changed.connect(lambda _n: self.sync.invalidate())  # fresh look
        for part in (self.writeback, self.publishing):  # re-read and CSV import, and undo
            part.changed.connect(self._edited)
        self.sidebar.source_selected.connect(self.browser.set_source)
        self.sidebar.collections_changed.connect(self.refresh_counts)
        self.sidebar.add_selection_requested.connect(
            lambda name: self.sidebar.add_to_collection(name, self.grid.selected_ids()))
        self.grid.open_requested.connect(self.open_viewer)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.reorder_requested.connect(self._reorder)
        self.viewer.previous_requested.connect(lambda: self.step(-1))
        self.viewer.next_requested.connect(lambda: self.step(1))
        self.viewer.back_requested.connect(self.show_grid)
        self.welcome.import_requested.connect(self.importer.choose_folder)
        self.importer.batch_added.connect(self._imported)
        self.importer.finished.connect(self._imported)
        self.importer.finished.connect(self.import_finished)
        self._selection_timer = QTimer(self, singleShot=True, interval=0)
        self._selection_timer.timeout.connect(self._push_selection)

    # -- what the grid shows -----------------------------------------------------------
    @property
    def source(self) -> Source:
        return self.sidebar.current_source

    @property
    def loading(self) -> bool:
        return self.browser.loading

    def set_source(self, source: Source) -> None:
        self.sidebar.select_source(source)

    def set_search(self, text: str) -> None:
        self.search.set_text(text)

    def _results_changed(self, count: int) -> None:
        if self.total < 0 and not self.workers.busy:  # the first page must not wait for it
            self.grid.after_first_paint(self.refresh_counts)
        self._update_page()
        self._selection_changed()  # a reset clears the selection without telling
        if count and not self.grid.selectionModel().hasSelection():
            self.grid.select_ids([self.model.ids[0]])  # ready for the keyboard at once
        self.count_label.setText(f"{count:,} photo{'s' if count != 1 else ''}")
        self.results_changed.emit(count)

    def refresh_counts(self) -> None:
        self.workers.submit(sidebar_counts, self.archive, on_done=self._counts_ready)

    def _counts_ready(self, counts) -> None:
        self.total = counts.all
        self.sidebar.refresh(counts)
        self._update_page()

    def _update_page(self) -> None:
        if self.total == 0 and self.importer.job is None:  # an empty catalog
            self.pages.setCurrentWidget(self.welcome)
        elif self.pages.currentWidget() is self.welcome and (self.total > 0 or self.model.ids):
            self.pages.setCurrentWidget(self.browser)  # (not yet counted and none shown: wait)

    # -- selection, viewer, navigation -------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return self.grid.selected_ids()

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        self.grid.select_ids(ids, current)

    def _selection_changed(self, *_args) -> None:
        n = self.grid.selected_count()
        self.selection_label.setText(f"{n:,} selected" if n else "")
        self.grid.after_first_paint(self._selection_timer.start)  # the editor: after that

    def _push_selection(self) -> None:
        self.editor.set_selection(self.grid.selected_ids())
        self.sync.follow(self.grid.selected_ids())

    def open_viewer(self, photo_id: int | None = None) -> None:
        photo_id = photo_id if photo_id is not None else self.grid.current_id()
        if photo_id is None:
            return
        if self.grid.current_id() != photo_id:
            self.grid.select_ids([photo_id], photo_id)
        self.pages.setCurrentWidget(self.viewer)
        self.viewer.show_photo(photo_id)
        self.viewer.view.setFocus()

    def show_grid(self) -> None:
        if self.pages.currentWidget() is self.viewer:
            self.pages.setCurrentWidget(self.browser)
            current = self.grid.currentIndex()
            if current.isValid():
                self.grid.scrollTo(current)
            self.grid.setFocus()

    @property
    def viewer_shown(self) -> bool:
        return self.pages.currentWidget() is self.viewer

    def step(self, step: int) -> None:
        """Next (1) or previous (-1) photo, in the grid and, if open, in the viewer."""
        photo_id = self.grid.move_current(step)
        if photo_id is not None and self.viewer_shown:
            self.viewer.show_photo(photo_id)

    def zoom_in(self) -> None:
        self.viewer.view.zoom_by(1.25) if self.viewer_shown else self.grid.zoom_in()

    def zoom_out(self) -> None:
        self.viewer.view.zoom_by(0.8) if self.viewer_shown else self.grid.zoom_out()

    def focus_search(self) -> None:
        self.show_grid()
        self.search.edit.setFocus()
        self.search.edit.selectAll()

    def toggle_full_screen(self) -> None:
        self.full_screen.toggle()

    def _set_titles(self, show: bool) -> None:
        self.settings.show_titles = show
        self.grid.set_show_titles(show)

    # -- changes ---------------------------------------------------------------------------
    def _edited(self, changes) -> None:
        self.model.refresh(changes.photo_ids)
        self.editor.refresh(changes.photo_ids)  # its own edits' echo is ignored
        self.writeback.edited(changes)
        if self.viewer_shown and self.viewer.photo_id in changes.photo_ids:
            self.viewer.refresh_info()
        self.refresh_counts()

    def rotate(self, quarter_turns: int) -> None:
        ids = [self.viewer.photo_id] if self.viewer_shown else self.grid.selected_ids()
        ids = [i for i in ids if i is not None]
        if not ids:
            return
        self.undo_stack.push(RotateCommand(
            self.archive, ids, quarter_turns, self._turned,
            on_error=lambda error: self.statusBar().showMessage(str(error), 8000)))

    def _turned(self, turned: dict[int, int]) -> None:
        """Photos were turned (or turned back by an undo): repaint them where shown."""
        self.model.refresh(list(turned))
        self.editor.refresh(list(turned))  # the size it shows turns too
        if self.viewer_shown and self.viewer.photo_id in turned:
            self.viewer.set_rotation(turned[self.viewer.photo_id])

    def add_to_collection(self) -> None:
        ids = self.grid.selected_ids()
        if not ids:
            self.statusBar().showMessage("Select the photos to add first.", 4000)
            return
        names = [c.name for c in collections.list_collections(self.archive)]
        dialog = ChooseCollectionDialog(self, names, len(ids))
        if dialog.exec() == ChooseCollectionDialog.DialogCode.Accepted:
            if dialog.choice is None:
                self.sidebar.new_collection(ids)
            else:
                self.sidebar.add_to_collection(dialog.choice, ids)

    def _reorder(self, ids: list[int], before_row: int) -> None:
        if self.source.kind != "collection":
            return
        self.model.move_ids(ids, before_row)
        try:
            reorder_collection(self.archive, self.source.name, self.model.ids)
        except PhotoarchiveError as exc:
            self.statusBar().showMessage(str(exc), 6000)
        self.grid.select_ids(ids)

    # -- importing ---------------------------------------------------------------------------
    def import_paths(self, paths: list[Path], processes: int | None = None) -> ImportJob | None:
        """Import files and folders in the background; the grid fills as photos arrive."""
        job = self.importer.start(paths, processes)
        if job is not None and self.pages.currentWidget() is self.welcome:
            self.pages.setCurrentWidget(self.browser)
        return job

    def _imported(self, *_args) -> None:
        self.browser.reload()
        self.refresh_counts()

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- catalogs, state ------------------------------------------------------------------------
    def choose_catalog(self, create: bool) -> None:
        path = choose_catalog(self, self.archive.path.parent, create)
        if path is not None:
            self.catalog_requested.emit(path, create)

    def restore_state(self) -> None:
        restore_layout(self, self.settings)

    def save_state(self) -> None:
        if self.persist_state:
            self.full_screen.show_panels()  # the docks' places, not the photo-alone view
            save_layout(self, self.settings, self.grid.tile_size)

    def shutdown(self) -> None:
        """Commit typing, stop background work (queued sidecars are still written)."""
        self.editor.commit_pending()
        self.save_state()
        for part in (self.importer, self.browser, self.viewer, self.workers, self.jobs,
                     self.sync, self.writeback, self.safety):
            part.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
