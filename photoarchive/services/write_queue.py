"""The one writer of files for a window: explicit writes and the sidecars after edits.

One worker thread writes every file the window writes, one at a time:

* `submit(ids)`: sidecars of photos just edited ("write after every edit"). Ids queued while
  a write runs are merged into the next batch.
* `write(ids, mode, ...)`: an explicit Write Metadata. It runs on the same worker; the
  calling thread (the window's job thread, which shows progress and Cancel) waits for its
  report. Between its photos the worker writes the sidecars of edits made meanwhile, so an
  edit does not wait for a long write to end.

Every write reads the photo's values in the catalog's write transaction
(`writeback.write_metadata`), so whichever write of a file comes last, the file holds the
latest values; a burst of edits and undos ends with the files holding the final ones.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from photoarchive.services.archive import Archive
from photoarchive.services.tasks import CancelToken, Progress
from photoarchive.services.writeback import WriteReport, write_metadata


@dataclass
class _Job:
    """One explicit write waiting for (or on) the worker."""

    ids: list[int]
    mode: str
    force: bool
    progress: Progress | None
    cancel: CancelToken | None
    done: threading.Event = field(default_factory=threading.Event)
    report: WriteReport | None = None
    error: BaseException | None = None


class WriteQueue:
    """One worker thread that writes files for ids it is fed (see the module doc).

    Reports of the edits' sidecars and unexpected errors while writing them go to the
    callbacks, on the worker thread (the window forwards them by signal); an explicit
    write's report or error goes back to the caller of `write`.
    """

    def __init__(self, archive: Archive, mode: str = "sidecar",
                 on_report: Callable[[WriteReport], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.archive, self.mode = archive, mode
        self.on_report, self.on_error = on_report, on_error
        self._cond = threading.Condition()
        self._edited: dict[int, None] = {}  # ids to write, in order, each once
        self._jobs: deque[_Job] = deque()
        self._busy = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="photoarchive-writer",
                                        daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """Whether a write is running or waiting."""
        with self._cond:
            return self._busy or bool(self._edited or self._jobs)

    def submit(self, ids: Iterable[int]) -> None:
        """Queue sidecars of edited photos for writing (returns at once)."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the write queue is closed")
            self._edited.update(dict.fromkeys(ids))
            self._cond.notify_all()

    def write(self, ids: Iterable[int], mode: str = "sidecar", *, force: bool = False,
              progress: Progress | None = None,
              cancel: CancelToken | None = None) -> WriteReport:
        """Write `ids` on the worker, after what is queued; blocks until done and returns
        the report (or raises what `write_metadata` raised)."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("write() would wait for itself on the writer thread")
        job = _Job(list(ids), mode, force, progress, cancel)
        with self._cond:
            if self._closed:
                raise RuntimeError("the write queue is closed")
            self._jobs.append(job)
            self._cond.notify_all()
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.report is not None
        return job.report

    def wait(self) -> None:
        """Block until everything submitted so far is written."""
        with self._cond:
            self._cond.wait_for(lambda: not (self._busy or self._edited or self._jobs))

    def close(self, wait: bool = True) -> None:
        """Stop after the queued writes; with `wait`, until they are done."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if wait:
            self._thread.join()

    # -- the worker ------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._edited or self._jobs or self._closed)
                if not (self._edited or self._jobs):
                    return  # closed, and nothing left to write
                self._busy = True
                job = None if self._edited else self._jobs.popleft()
            try:
                if job is None:
                    self._write_edited()
                else:
                    self._run_job(job)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _write_edited(self) -> None:
        """Write the sidecars of the photos edited so far (called between a job's photos)."""
        with self._cond:
            ids, self._edited = list(self._edited), {}
        if not ids:
            return
        try:
            report = write_metadata(self.archive, ids, self.mode)
            if self.on_report is not None:
                self.on_report(report)
        except Exception as exc:  # noqa: BLE001 (the worker must live on; the window says it)
            if self.on_error is not None:
                self.on_error(exc)

    def _run_job(self, job: _Job) -> None:
        try:
            job.report = write_metadata(self.archive, job.ids, job.mode, force=job.force,
                                        progress=job.progress, cancel=job.cancel,
                                        between=self._write_edited)
        except BaseException as exc:  # noqa: BLE001 (handed to the waiting caller)
            job.error = exc
        finally:
            job.done.set()
