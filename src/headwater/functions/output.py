"""A worker's stdout and stderr, split into segments (one per init or invocation) at the
bootstrap's MARKER, in linear time and bounded memory: each segment keeps its first HEAD_BYTES
and its last TAIL_BYTES and says how much it dropped between them.

AWS streams a function's output to CloudWatch Logs without a total cap (an event holds at most
256 KB); Headwater keeps at most KEPT_BYTES (1 MiB) of each invocation's output, so that a
handler printing 100 MB cannot grow the server."""

from __future__ import annotations

from collections import deque

MARKER = b"\x1e\x1fheadwater-end\x1f\n"  # keep in sync with functions/bootstrap.py
HEAD_BYTES = 512 * 1024
TAIL_BYTES = 512 * 1024
KEPT_BYTES = HEAD_BYTES + TAIL_BYTES
# Finished segments queued unread at most; a handler printing MARKER itself cannot pile them up.
MAX_QUEUED = 16


class Segment:
    """One phase's output: the head, a bounded tail, and the count of bytes dropped between."""

    __slots__ = ("head", "tail", "dropped")

    def __init__(self) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def add(self, data: bytes | memoryview) -> None:
        room = HEAD_BYTES - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if not data:
            return
        self.tail += data
        if len(self.tail) > 2 * TAIL_BYTES:  # trim in amortised linear time
            cut = len(self.tail) - TAIL_BYTES
            self.dropped += cut
            del self.tail[:cut]

    def text(self) -> bytes:
        tail = self.tail
        if len(tail) > TAIL_BYTES:
            self.dropped += len(tail) - TAIL_BYTES
            tail = tail[-TAIL_BYTES:]
        if not self.dropped:
            return bytes(self.head + tail)
        note = (f"\n[Headwater dropped {self.dropped} bytes of this invocation's output: it keeps "
                f"the first {HEAD_BYTES} and the last {TAIL_BYTES}]\n").encode()
        return bytes(self.head) + note + bytes(tail)


class OutputSplitter:
    """Feed it the worker's output as it comes; it finds MARKER without rescanning."""

    def __init__(self) -> None:
        self.current = Segment()
        self.finished: deque[bytes] = deque()
        self._carry = b""  # the last bytes seen, which may begin a MARKER

    def feed(self, chunk: bytes) -> bool:
        """True when the chunk finished at least one segment."""
        data = self._carry + chunk if self._carry else chunk
        start = 0
        ended = False
        view = memoryview(data)
        while (at := data.find(MARKER, start)) >= 0:
            self.current.add(view[start:at])
            self._finish()
            start = at + len(MARKER)
            ended = True
        keep = min(len(MARKER) - 1, len(data) - start)
        self.current.add(view[start:len(data) - keep])
        self._carry = bytes(view[len(data) - keep:])
        return ended

    def _finish(self) -> None:
        self.finished.append(self.current.text())
        self.current = Segment()
        while len(self.finished) > MAX_QUEUED:
            self.finished.popleft()

    def take(self) -> bytes:
        """The oldest finished segment, else what the current one holds so far (reset)."""
        if self.finished:
            return self.finished.popleft()
        if self._carry:
            self.current.add(self._carry)
            self._carry = b""
        data = self.current.text()
        self.current = Segment()
        return data

    def close(self) -> None:
        """End of output: what was carried belongs to the current segment."""
        if self._carry:
            self.current.add(self._carry)
            self._carry = b""
