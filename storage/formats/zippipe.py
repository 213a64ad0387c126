"""Writing a zip archive's members in a thread of its own.

Deflating and the CRC are done by zlib, which releases the GIL: while the writer thread compresses
one piece, the caller's thread builds the next (CSV text, sheet XML), so on two cores a large
export takes about as long as the slower of the two instead of their sum.
"""

from __future__ import annotations

import queue
import threading
import zipfile
from types import TracebackType
from typing import IO, Any

DEPTH = 8  # pieces waiting at most: bounds the memory ahead of the writer


class ZipPipe:
    """Members written to ``zf`` in order, by a thread that owns ``zf`` until :meth:`close`.

    Use as a context manager; an error in the writer thread is raised from the next
    :meth:`write` or from :meth:`close`, an error in the caller stops the writer.
    """

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.error: BaseException | None = None
        self._queue: queue.Queue[Any] = queue.Queue(DEPTH)
        self._thread = threading.Thread(target=self._run, name="zip-writer", daemon=True)
        self._thread.start()

    def member(self, info: zipfile.ZipInfo) -> None:
        """Begin the member ``info`` (the previous one is complete)."""
        self._put(info)

    def write(self, data: bytes) -> None:
        """Append ``data`` to the current member."""
        if data:
            self._put(data)

    def _put(self, item: Any) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(item)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def __enter__(self) -> ZipPipe:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
            return
        self._queue.put(None)  # the caller failed: let the writer finish and stop
        self._thread.join()

    def _run(self) -> None:
        fh: IO[bytes] | None = None
        while True:
            item = self._queue.get()
            if item is None:
                break
            if self.error is not None:
                continue  # drain: the caller learns of the error at its next write
            try:
                if item.__class__ is zipfile.ZipInfo:
                    if fh is not None:
                        fh.close()
                    fh = self.zf.open(item, "w", force_zip64=True)
                else:
                    assert fh is not None, "write before member"
                    fh.write(item)
            except BaseException as exc:  # handed to the caller's thread
                self.error = exc
        if fh is not None and self.error is None:
            try:
                fh.close()
            except BaseException as exc:
                self.error = exc


LEVEL = 1  # deflate level: the fastest; level 6 (zlib's default) takes about 3 times as long


def entry(name: str, *, level: int = LEVEL) -> zipfile.ZipInfo:
    """A deflated member with a fixed date (exports of the same data are the same bytes) and
    mode 0600."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = level  # type: ignore[attr-defined]  # a ZipInfo's own level (else 6)
    info.external_attr = 0o600 << 16
    return info
