"""The runs of a JSON export read on both cores: a worker process and the command share them.

The worker (forked, so it starts with the command's modules, community and file) finds the runs
(``cycles.portfolio_split``), then takes them one after the other: it validates and checks each
(``cycles.portfolio_stream``), converts it to the values the database stores
(``storage.imports.import_rows``), writes them to an unnamed temporary file (``marshal``; what the checks
across runs need, ``pickle``) and tells the command where, through a pipe whose messages stay
small, so that it never fills and stops the worker while the command is busy. Meanwhile the
command opens and migrates the database, then stores the runs in file order as they come;
whenever the next one is not there yet it takes the next run nobody has taken and reads it
itself (:meth:`Runs.take`), so both cores stay busy to the end.

The worker never touches the database, writes no file of its own and ends with the command
(:meth:`Runs.close`); a refusal in it is reported as ``Unsupported``, and the command reads the
file whole as before.
"""

from __future__ import annotations

import marshal
import os
import pickle
import signal
import tempfile
from collections.abc import Callable
from typing import Any

from cycles.community import Community
from cycles.portfolio_split import Layout, chunk, split
from cycles.portfolio_stream import Meta, Part, Reader, Unsupported
from storage.imports.import_rows import copy_texts, sqlite_rows

Convert = Callable[[Part], dict[str, Any]]
CONVERT: dict[str, Convert] = {"sqlite": sqlite_rows, "postgresql": copy_texts}


class Runs:
    """The runs of one file, read by the command and (with ``worker``) a forked worker.

    :meth:`take` gives the next run in file order as ``(meta, values)``: values are the run's
    tables converted (``storage.imports.import_rows``)."""

    def __init__(
        self, raw: Any, community: Community, where: str, backend: str, *, worker: bool, run_bytes: int
    ) -> None:
        self.raw = raw
        self.run_bytes = run_bytes
        self.reader = Reader(community, where)
        self.convert = CONVERT[backend]
        self.layout: Layout | None = None
        self.next = 0  # the run to give next
        self.ready: dict[int, Any] = {}  # runs read, by index
        self.metas: list[Meta] = []
        self._claimed: Any = [0]  # the next run nobody has taken
        self._lock: Any = None
        self._process: Any = None
        self._conn: Any = None
        self._file: Any = None
        if worker:
            self._start()

    @property
    def count(self) -> int:
        """How many runs (waits for the worker to find them)."""
        return len(self._layout().runs)

    @property
    def rest(self) -> bytes:
        """The file without its cycles."""
        return self._layout().rest(self.raw)

    @property
    def cycles(self) -> int:
        """How many cycles (lines) the file holds."""
        return self._layout().lines

    def _layout(self) -> Layout:
        while self.layout is None:
            if self._conn is None:
                self.layout = split(self.raw, self.run_bytes)
                if self.layout is None:
                    raise Unsupported("not the export's layout")
            else:
                self._receive()
        return self.layout

    # -- the worker ----------------------------------------------------------------------------

    def _start(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")  # ValueError where there is no fork
        self._file = tempfile.TemporaryFile(prefix="cycles-import-")  # noqa: SIM115 - closed by close()
        try:
            self._lock = context.Lock()
            self._claimed = context.RawArray("l", 1)
            receive, send = context.Pipe(duplex=False)
            try:
                process = context.Process(target=self._work, args=(send,), daemon=True)
                process.start()
            except BaseException:
                receive.close()
                raise
            finally:
                send.close()
        except BaseException:
            self._file.close()
            raise
        self._process, self._conn = process, receive

    def _work(self, send: Any) -> None:  # pragma: no cover - runs in the worker process
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command ends the worker
        fd, offset = self._file.fileno(), 0
        try:
            self.layout = split(self.raw, self.run_bytes)
            if self.layout is None:
                raise Unsupported("not the export's layout")
            send.send(("layout", self.layout))
            while (index := self._claim()) is not None:
                meta, values = self._read(index)
                described, data = pickle.dumps(meta), marshal.dumps(values)
                _write_all(fd, described + data)
                # messages stay small, so that the pipe never fills while the command is busy
                send.send(("run", index, offset, len(described), len(data)))
                offset += len(described) + len(data)
            message: tuple[Any, ...] = ("done",)
        except BaseException as exc:  # reported, never printed: the command reads the file whole
            message = ("unsupported", f"{exc.__class__.__name__}: {exc}")
        try:
            send.send(message)
            send.close()
        except OSError:
            pass  # the command has gone

    def _claim(self) -> int | None:
        """The next run nobody has taken, now taken; None when all are."""
        count = len(self._layout().runs)
        if self._lock is not None:
            self._lock.acquire()
        try:
            index = int(self._claimed[0])
            if index >= count:
                return None
            self._claimed[0] = index + 1
            return index
        finally:
            if self._lock is not None:
                self._lock.release()

    def _read(self, index: int) -> tuple[Meta, dict[str, Any]]:
        run = self._layout().runs[index]
        part = self.reader.read(chunk(self.raw, run), run.first, run.count)
        assert part.meta is not None
        return part.meta, self.convert(part)

    # -- the command's side ----------------------------------------------------------------------

    def take(self) -> tuple[Meta, dict[str, Any]] | None:
        """The next run in file order, or None after the last. Raises Unsupported when a run
        (read here or by the worker) is refused."""
        if self.next >= self.count:
            return None
        while self.next not in self.ready:
            if self._conn is not None and self._conn.poll():
                self._receive()
                continue
            index = self._claim()
            if index is not None:
                self.ready[index] = self._read(index)
                continue
            if self._conn is None:
                raise Unsupported("the worker ended before its runs were read")
            self._receive()
        item = self.ready.pop(self.next)
        self.next += 1
        if item[0] == "file":
            _, offset, described, size = item
            data = _read_all(self._file.fileno(), described + size, offset)
            meta = pickle.loads(data[:described])
            values = marshal.loads(memoryview(data)[described:])
        else:
            meta, values = item
        self.metas.append(meta)
        return meta, values

    def waiting(self) -> bool:
        """Whether the next run is still being read (by the worker), so that :meth:`take` would
        wait for it."""
        while self.next not in self.ready and self._conn is not None and self._conn.poll():
            self._receive()
        return self.next < self.count and self.next not in self.ready and self._conn is not None

    def _receive(self) -> None:
        try:
            message = self._conn.recv()
        except EOFError:
            self._conn = None
            return
        if message[0] == "run":
            _, index, offset, described, size = message
            self.ready[index] = ("file", offset, described, size)
        elif message[0] == "layout":
            self.layout = message[1]
        elif message[0] == "done":
            self._conn = None
        else:
            raise Unsupported(message[1])

    def close(self) -> None:
        """End the worker (if it still runs) and drop the temporary file."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover - runs in the worker process
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int, size: int, offset: int) -> bytes:
    parts = []
    while size:
        part = os.pread(fd, size, offset)
        if not part:
            raise Unsupported("the worker's output is incomplete")
        parts.append(part)
        size -= len(part)
        offset += len(part)
    return b"".join(parts)
