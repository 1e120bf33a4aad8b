"""The main window: wires the sidebar, search bar, grid, viewer, editor dock, menus and
status bar together. Behaviour lives in those parts; this module only connects them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photoarchive.errors import PhotoarchiveError
from photoarchive.services import collections
from photoarchive.services.archive import Archive
from photoarchive.services.browse import (
    browse_ids,
    grid_rows,
    reorder_collection,
    rotate,
    sidebar_counts,
)
from photoarchive.services.photos import SORT_KEYS
from photoarchive.settings import THUMBNAIL_MAX, THUMBNAIL_MIN, Settings
from photoarchive.ui.dialogs.about import show_about
from photoarchive.ui.dialogs.collection import ChooseCollectionDialog
from photoarchive.ui.dialogs.importing import (
    ImportJob,
    ImportProgress,
    ImportReportDialog,
    summary,
)
from photoarchive.ui.grid import PhotoGridModel, PhotoGridView, ThumbnailLoader
from photoarchive.ui.grid.searchbar import SearchBar
from photoarchive.ui.sidebar import ALL_PHOTOS, Sidebar, Source
from photoarchive.ui.viewer import PhotoViewer
from photoarchive.ui.welcome import WelcomeView
from photoarchive.ui.workers import Workers

try:  # the editor dock is written alongside this window
    from photoarchive.ui.editor import EditorDock
except ImportError:  # pragma: no cover - only while the editor package is incomplete
    EditorDock = None  # type: ignore[assignment,misc]


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
        self.workers = Workers(max_threads=2, parent=self)  # queries, counts
        self.import_workers = Workers(max_threads=1, parent=self)
        self.undo_stack = QUndoStack(self)
        self.import_job: ImportJob | None = None
        self.loading = False
        self.total = -1  # photos in the catalog, once counted
        self._serial = 0

        self.loader = ThumbnailLoader(archive.thumbnail_dir, parent=self)
        self.model = PhotoGridModel(lambda ids: grid_rows(archive, ids), self)
        self.grid = PhotoGridView(self.model, self.loader, settings.thumbnail_size,
                                  settings.show_titles)
        self.search = SearchBar(SORT_KEYS, settings.sort)
        self.viewer = PhotoViewer(archive)
        self.welcome = WelcomeView(str(archive.path))
        browser = QWidget()
        column = QVBoxLayout(browser)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.search)
        column.addWidget(self.grid, 1)
        self.pages = QStackedWidget()
        for page in (self.welcome, browser, self.viewer):
            self.pages.addWidget(page)
        self.browser = browser
        self.setCentralWidget(self.pages)

        self.sidebar = Sidebar(archive)
        self.sidebar_dock = self._dock("Library", self.sidebar, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.editor = self._make_editor()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.persist_state = True  # False for screenshots: leave the user's layout alone
        self.resizeDocks([self.sidebar_dock, self.editor], [220, 340], Qt.Orientation.Horizontal)
        self.restore_state()
        self.refresh_counts()
        self.reload()

    # -- building ------------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = widget if isinstance(widget, QDockWidget) else QDockWidget(title, self)
        if dock is not widget:
            dock.setWidget(widget)
        dock.setObjectName(f"{title.replace(' ', '')}Dock")
        self.addDockWidget(area, dock)
        return dock

    def _make_editor(self) -> QDockWidget:
        if EditorDock is not None:
            dock = EditorDock(self.archive, self.undo_stack, parent=self)
            dock.edited.connect(self._edited)
            dock.next_requested.connect(lambda: self.step(1))
            dock.previous_requested.connect(lambda: self.step(-1))
        else:
            dock = QDockWidget("Details", self)
            dock.setWidget(QLabel("The metadata editor is not available in this build."))
        dock.setMinimumWidth(300)
        return self._dock("Editor", dock, Qt.DockWidgetArea.RightDockWidgetArea)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.import_progress = ImportProgress()
        self.count_label = QLabel()
        self.selection_label = QLabel()
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(THUMBNAIL_MIN, THUMBNAIL_MAX)
        self.size_slider.setValue(self.grid.tile_size)
        self.size_slider.setFixedWidth(140)
        self.size_slider.setToolTip("Thumbnail size (Ctrl+plus, Ctrl+minus)")
        self.size_slider.setAccessibleName("Thumbnail size")
        for widget in (self.import_progress, self.count_label, self.selection_label,
                       self.size_slider):
            bar.addPermanentWidget(widget)

    def _action(self, menu, text: str, slot, shortcut=None, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar, key = self.menuBar(), QKeySequence
        m = bar.addMenu("&File")
        self._action(m, "&Import Folder…", self.choose_import_folder, key("Ctrl+I"))
        self._action(m, "Import &Files…", self.choose_import_files, key("Ctrl+Shift+I"))
        m.addSeparator()
        self._action(m, "&New Catalog…", lambda: self.choose_catalog(create=True), key.New)
        self._action(m, "&Open Catalog…", lambda: self.choose_catalog(create=False), key.Open)
        self.recent_menu = m.addMenu("Open &Recent Catalog")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addSeparator()
        self._action(m, "&Quit", self.close, key.Quit).setMenuRole(QAction.MenuRole.QuitRole)
        m = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(key.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([key("Ctrl+Shift+Z"), *key.keyBindings(key.Redo)])
        m.addActions([undo, redo])
        m.addSeparator()
        self._action(m, "Select &All", self.grid.selectAll, key.SelectAll)
        self._action(m, "&Find…", self.focus_search, key.Find)
        m = bar.addMenu("&View")
        self._action(m, "&Grid", self.show_grid)
        self.open_action = self._action(m, "&Viewer", lambda: self.open_viewer())
        m.addSeparator()
        self._action(m, "&Larger", self.zoom_in, [key.ZoomIn, key("Ctrl+=")])
        self._action(m, "&Smaller", self.zoom_out, key.ZoomOut)
        self.fit_action = self._action(m, "&Fit Photo in Window", self.viewer.view.fit)
        self.actual_action = self._action(m, "Actual Si&ze (100 %)", self.viewer.view.actual_size)
        titles = self._action(m, "Show &Titles Under Thumbnails", self._set_titles, checkable=True)
        titles.setChecked(self.settings.show_titles)
        m.addSeparator()
        m.addAction(self.sidebar_dock.toggleViewAction())
        m.addAction(self.editor.toggleViewAction())
        self._action(m, "F&ull Screen", self.toggle_full_screen, key.FullScreen)
        m = bar.addMenu("&Photo")
        self.back_action = self._action(m, "&Back to Grid", self.show_grid)
        self.prev_action = self._action(m, "&Previous Photo", lambda: self.step(-1), key("Alt+Left"))
        self.next_action = self._action(m, "&Next Photo", lambda: self.step(1), key("Alt+Right"))
        m.addSeparator()
        self.left_action = self._action(m, "Rotate &Left", lambda: self.rotate(-1), key("Ctrl+["))
        self.right_action = self._action(m, "Rotate &Right", lambda: self.rotate(1), key("Ctrl+]"))
        m.addSeparator()
        self._action(m, "Add to &Collection…", self.add_to_collection, key("Ctrl+Shift+C"))
        m = bar.addMenu("&Help")
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
        self.search.query_changed.connect(lambda _text: self.reload())
        self.search.sort_changed.connect(self._sort_changed)
        self.sidebar.source_selected.connect(lambda _source: self._source_changed())
        self.sidebar.collections_changed.connect(self.refresh_counts)
        self.sidebar.add_selection_requested.connect(
            lambda name: self.sidebar.add_to_collection(name, self.grid.selected_ids()))
        self.grid.open_requested.connect(self.open_viewer)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.tile_size_changed.connect(self.size_slider.setValue)
        self.grid.reorder_requested.connect(self._reorder)
        self.size_slider.valueChanged.connect(self.grid.set_tile_size)
        self.viewer.previous_requested.connect(lambda: self.step(-1))
        self.viewer.next_requested.connect(lambda: self.step(1))
        self.viewer.back_requested.connect(self.show_grid)
        self.welcome.import_requested.connect(self.choose_import_folder)
        self._selection_timer = QTimer(self, singleShot=True, interval=0)
        self._selection_timer.timeout.connect(self._push_selection)

    # -- what the grid shows -----------------------------------------------------------
    @property
    def source(self) -> Source:
        return self.sidebar.current_source

    def set_source(self, source: Source) -> None:
        self.sidebar.select_source(source)

    def set_search(self, text: str) -> None:
        self.search.set_text(text)

    def reload(self) -> None:
        """Ask (in the background) for the ids the grid should show now."""
        source, self._serial = self.source, self._serial + 1
        serial, self.loading = self._serial, True
        self.workers.submit(
            browse_ids, self.archive, self.search.text, self.search.sort_key,
            base_query=source.query, recent=source.kind == "recent",
            collection=source.name if source.kind == "collection" else None,
            on_done=lambda ids: self._ids_ready(serial, ids),
            on_error=lambda exc: self._query_failed(serial, exc))

    def _ids_ready(self, serial: int, ids: list[int]) -> None:
        if serial != self._serial:
            return
        self.loading = False
        self.search.show_error(None)
        kept, current = self.grid.selected_ids(), self.grid.current_id()
        self.model.set_ids(ids)
        if kept:
            self.grid.select_ids(kept, current)
        self._update_page()
        self.count_label.setText(f"{len(ids):,} photo{'s' if len(ids) != 1 else ''}")
        self.results_changed.emit(len(ids))

    def _query_failed(self, serial: int, exc: BaseException) -> None:
        if serial == self._serial:
            self.loading = False
            self.search.show_error(str(exc))
            self.results_changed.emit(self.model.rowCount())

    def _source_changed(self) -> None:
        collection = self.source.kind == "collection"
        self.model.reorderable = collection
        self.search.sort.setEnabled(not collection)
        self.search.sort.setToolTip("A collection keeps its own order; drag photos to change "
                                    "it." if collection else "")
        self.model.set_ids([])
        self.reload()

    def _sort_changed(self, key: str) -> None:
        self.settings.sort = key
        self.reload()

    def refresh_counts(self) -> None:
        self.workers.submit(sidebar_counts, self.archive, on_done=self._counts_ready)

    def _counts_ready(self, counts) -> None:  # noqa: ANN001
        self.total = counts.all
        self.sidebar.refresh(counts)
        self._update_page()

    def _update_page(self) -> None:
        empty = self.total == 0 and self.import_job is None
        if empty:
            self.pages.setCurrentWidget(self.welcome)
        elif self.pages.currentWidget() is self.welcome:
            self.pages.setCurrentWidget(self.browser)

    # -- selection, viewer, navigation -------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return self.grid.selected_ids()

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        self.grid.select_ids(ids, current)

    def _selection_changed(self, *_args) -> None:  # noqa: ANN002
        n = len(self.grid.selectionModel().selectedIndexes())
        self.selection_label.setText(f"{n:,} selected" if n else "")
        self._selection_timer.start()

    def _push_selection(self) -> None:
        if EditorDock is not None:
            self.editor.set_selection(self.grid.selected_ids())

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
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def _set_titles(self, show: bool) -> None:
        self.settings.show_titles = show
        self.grid.set_show_titles(show)

    # -- changes ---------------------------------------------------------------------------
    def _edited(self, changes) -> None:  # noqa: ANN001 - a services.editing.ChangeSet
        self.model.refresh(changes.photo_ids)
        if self.viewer_shown and self.viewer.photo_id in changes.photo_ids:
            self.viewer.show_photo(self.viewer.photo_id)
        self.refresh_counts()

    def rotate(self, quarter_turns: int) -> None:
        ids = [self.viewer.photo_id] if self.viewer_shown else self.grid.selected_ids()
        ids = [i for i in ids if i is not None]
        if not ids:
            return
        turned = rotate(self.archive, ids, quarter_turns)
        self.model.refresh(ids)
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
    def choose_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder",
                                                  self.settings.last_import_folder)
        if folder:
            self.settings.last_import_folder = folder
            self.import_paths([Path(folder)])

    def choose_import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import photos",
                                                self.settings.last_import_folder)
        if files:
            self.settings.last_import_folder = str(Path(files[0]).parent)
            self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: list[Path], processes: int | None = None) -> ImportJob | None:
        """Import files and folders in the background; the grid fills as photos arrive."""
        if self.import_job is not None:
            self.statusBar().showMessage("An import is already running; wait for it to "
                                         "finish or cancel it.", 6000)
            return None
        job = ImportJob(self.archive, self.import_workers, paths, processes, self)
        self.import_job = job
        job.batch_added.connect(self._imported_batch)
        job.finished.connect(self._import_done)
        job.failed.connect(lambda message: self._import_done(None, message))
        self.import_progress.track(job)
        self._update_page()
        if self.pages.currentWidget() is self.welcome:
            self.pages.setCurrentWidget(self.browser)
        job.start()
        return job

    def _imported_batch(self, _ids: list[int]) -> None:
        self.reload()
        self.refresh_counts()

    def _import_done(self, report, message: str | None = None) -> None:  # noqa: ANN001
        self.import_job = None
        self.reload()
        self.refresh_counts()
        if report is None:
            self.statusBar().showMessage(f"The import could not run: {message}", 10000)
        else:
            self.statusBar().showMessage(summary(report), 15000)
            if report.failed:
                self.report_dialog = ImportReportDialog(report, self)
                self.report_dialog.open()
        self.import_finished.emit(report)

    def dragEnterEvent(self, event) -> None:  # noqa: ANN001, N802
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: ANN001, N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- catalogs, state ------------------------------------------------------------------------
    def choose_catalog(self, create: bool) -> None:
        start = str(self.archive.path.parent)
        filters = "photoarchive catalogs (*.sqlite);;All files (*)"
        if create:
            path, _ = QFileDialog.getSaveFileName(self, "New catalog", start, filters)
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Open catalog", start, filters)
        if path:
            self.catalog_requested.emit(Path(path), create)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for entry in self.settings.recent_catalogs:
            if Path(entry) != self.archive.path:
                action = self.recent_menu.addAction(entry)
                action.triggered.connect(
                    lambda _checked=False, p=entry: self.catalog_requested.emit(Path(p), False))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def restore_state(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1280, 800)
        if self.settings.window_state:
            self.restoreState(QByteArray.fromBase64(self.settings.window_state.encode()))

    def save_state(self) -> None:
        if not self.persist_state:
            return
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings.window_state = bytes(self.saveState().toBase64().data()).decode()
        self.settings.thumbnail_size = self.grid.tile_size
        self.settings.save()

    def shutdown(self) -> None:
        """Commit typing, stop background work, keep the window's state."""
        if EditorDock is not None:
            self.editor.commit_pending()
        if self.import_job is not None:
            self.import_job.cancel()
        self.save_state()
        self.import_workers.shutdown(30000)
        for part in (self.loader, self.viewer, self.workers):
            part.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)
