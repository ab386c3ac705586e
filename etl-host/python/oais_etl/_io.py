"""Byte plumbing shared by the communicators: request-body readers, chunked writers and scatter/gather sends.

Readers follow raw-stream semantics: ``read(n)`` returns up to ``n`` bytes as soon as some are there (so a streaming
transform sees data while the object is still arriving) and ``b""`` at the end; ``read()`` returns everything left.
"""

import socket

COALESCE_BYTES = 1 << 16  # smaller writes are gathered up to this size: fewer, larger chunks and frames
DRAIN_BYTES = 1 << 20


def send_all(sock: socket.socket, parts) -> None:
    """Sends header and payload pieces with one sendmsg where the kernel takes them all (no concatenation copy)."""
    parts = [p for p in parts if len(p)]
    total = sum(len(p) for p in parts)
    if total == 0:
        return
    sent = sock.sendmsg(parts)
    if sent == total:
        return
    # A partial send (a full socket buffer): finish piece by piece from where it stopped.
    for part in parts:
        if sent >= len(part):
            sent -= len(part)
            continue
        sock.sendall(memoryview(part)[sent:])
        sent = 0


class BodyReader:
    """Base of the readers handed to ``transform_stream``; ``read_all`` is what the bytes API uses."""

    def read(self, size: int = -1) -> bytes:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def read_all(self) -> bytes:
        pieces = []
        while True:
            piece = self.read(DRAIN_BYTES)
            if not piece:
                return b"".join(pieces)
            pieces.append(piece)

    def drain(self) -> None:
        """Reads and drops whatever the transform left unread (keeps a connection in step)."""
        while self.read(DRAIN_BYTES):
            pass

    def __iter__(self):
        while True:
            piece = self.read(COALESCE_BYTES)
            if not piece:
                return
            yield piece


class LengthReader(BodyReader):
    """A body of known length (Content-Length) on a buffered socket file."""

    def __init__(self, rfile, length: int):
        self._rfile = rfile
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        if size is None or size < 0:
            return self.read_all()
        data = self._rfile.read1(min(size, self.remaining))
        if not data:
            raise ConnectionError(f"the request body ended {self.remaining} bytes early")
        self.remaining -= len(data)
        return data

    def read_all(self) -> bytes:
        # BufferedReader.read(n) reads straight into one bytes object of the right size.
        data = self._rfile.read(self.remaining) if self.remaining > 0 else b""
        if len(data) < self.remaining:
            raise ConnectionError(f"the request body ended {self.remaining - len(data)} bytes early")
        self.remaining = 0
        return data

    @property
    def at_end(self) -> bool:
        return self.remaining <= 0


class ChunkedReader(BodyReader):
    """A ``Transfer-Encoding: chunked`` body."""

    def __init__(self, rfile):
        self._rfile = rfile
        self._left_in_chunk = 0
        self.at_end = False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.read_all()
        if self._left_in_chunk == 0 and not self._next_chunk():
            return b""
        data = self._rfile.read1(min(size, self._left_in_chunk))
        if not data:
            raise ConnectionError("the request body ended inside a chunk")
        self._left_in_chunk -= len(data)
        if self._left_in_chunk == 0:
            self._rfile.readline(8)  # the CRLF after the chunk
        return data

    def _next_chunk(self) -> bool:
        if self.at_end:
            return False
        line = self._rfile.readline(1024)
        if not line:
            raise ConnectionError("the request body ended before its last chunk")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise ConnectionError(f"bad chunk size line {line[:40]!r}") from None
        if size == 0:
            while self._rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            self.at_end = True
            return False
        self._left_in_chunk = size
        return True


class FileReader(BodyReader):
    """An object read from its file (fqn), or any binary file object (stdin, an HTTP response)."""

    def __init__(self, file):
        self._file = file
        self._read1 = getattr(file, "read1", file.read)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self._file.read()
        return self._read1(size)

    def read_all(self) -> bytes:
        return self._file.read()


class CoalescingWriter:
    """A transform's output: small writes are gathered up to COALESCE_BYTES, large ones go out as they are.
    Subclasses put one piece on the wire in ``_emit`` (an HTTP chunk, a ws frame)."""

    def __init__(self):
        self._pending = bytearray()
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        n = len(data)
        if n == 0:
            return 0
        self.written += n
        if self._pending or n < COALESCE_BYTES // 4:
            self._pending += data
            if len(self._pending) >= COALESCE_BYTES:
                self.flush()
        else:
            self._emit(data)
        return n

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, bytearray()
            self._emit(pending)

    def _emit(self, data) -> None:
        raise NotImplementedError


class ChunkedWriter(CoalescingWriter):
    """Writes a chunked HTTP body on a socket; ``start`` runs once, before the first byte (it sends the headers)."""

    def __init__(self, sock: socket.socket, start=None):
        super().__init__()
        self._sock = sock
        self._start = start
        self.started = False
        self.send_error = None  # set when the socket failed: the peer, not the transform, is the cause

    def _sendall(self, parts) -> None:
        try:
            send_all(self._sock, parts)
        except OSError as e:
            self.send_error = e
            raise

    def _emit(self, data) -> None:
        head = b"%x\r\n" % len(data)
        if not self.started:
            self.started = True
            if self._start is not None:
                head = self._start() + head
        self._sendall((head, data, b"\r\n"))

    def close(self) -> None:
        """The last chunk; with nothing written the headers still go out first."""
        self.flush()
        tail = b"0\r\n\r\n"
        if not self.started:
            self.started = True
            if self._start is not None:
                tail = self._start() + tail
        self._sendall((tail,))
