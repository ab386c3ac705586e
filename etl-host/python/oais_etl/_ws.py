"""A small RFC 6455 server side: the handshake, reading masked client frames, writing unmasked server frames."""

import base64
import hashlib
import struct

from ._io import BodyReader, CoalescingWriter, send_all

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_TOO_BIG = 1009


class WsProtocolError(Exception):
    """A message that breaks the framing: the connection is closed with 1002 and this reason."""


class WsClosed(Exception):
    """The peer closed the connection (a close frame, or the socket ended)."""


def accept_key(client_key: str) -> str:
    return base64.b64encode(hashlib.sha1(client_key.strip().encode("ascii") + GUID).digest()).decode("ascii")


def unmask(payload: bytes, mask: bytes, offset: int = 0) -> bytes:
    """XOR with the 4-byte mask starting at ``offset`` into the frame: one big-integer XOR, not a Python loop per byte."""
    n = len(payload)
    if n == 0:
        return payload
    k = offset & 3
    if k:
        mask = mask[k:] + mask[:k]
    key = (mask * ((n + 3) >> 2))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")


def frame_header(opcode: int, length: int, fin: bool = True) -> bytes:
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


class WsConnection:
    """Frames on one upgraded connection. Reads are sequential; control frames between data frames are handled here."""

    def __init__(self, sock, rfile):
        self.sock = sock
        self._rfile = rfile
        self.closed = False

    # ---- reading -------------------------------------------------------------------------------------------------

    def _read_exact(self, n: int) -> bytes:
        data = self._rfile.read(n)
        if len(data) < n:
            raise WsClosed("the connection ended")
        return data

    def next_frame_header(self):
        """(fin, opcode, length, mask) of the next data frame; pings are answered and a close ends the connection."""
        while True:
            b0, b1 = self._read_exact(2)
            fin, opcode, masked, length = bool(b0 & 0x80), b0 & 0x0F, bool(b1 & 0x80), b1 & 0x7F
            if b0 & 0x70:
                raise WsProtocolError("reserved bits set (no extensions were negotiated)")
            if length == 126:
                (length,) = struct.unpack("!H", self._read_exact(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read_exact(8))
            if not masked:
                raise WsProtocolError("client frames must be masked")
            mask = self._read_exact(4)
            if opcode >= 0x8:
                if not fin or length > 125:
                    raise WsProtocolError("control frames must be whole and at most 125 bytes")
                payload = unmask(self._read_exact(length), mask)
                if opcode == CLOSE:
                    self.send_close(CLOSE_NORMAL, "")
                    raise WsClosed("closed by the peer")
                if opcode == PING:
                    self.send_frame(PONG, payload)
                continue  # pong: nothing to do
            if opcode not in (CONTINUATION, TEXT, BINARY):
                raise WsProtocolError(f"unknown opcode {opcode}")
            return fin, opcode, length, mask

    def read_payload(self, length: int, mask: bytes, offset: int) -> bytes:
        return unmask(self._read_exact(length), mask, offset)

    def read_text_message(self, limit: int) -> str:
        """The next message, which must be text (at most ``limit`` bytes)."""
        fin, opcode, length, mask = self.next_frame_header()
        if opcode != TEXT:
            raise WsProtocolError("expected a JSON control message (text)")
        pieces, total = [], 0
        while True:
            total += length
            if total > limit:
                raise WsProtocolError(f"control message over {limit >> 20} MiB")
            pieces.append(self.read_payload(length, mask, 0))
            if fin:
                break
            fin, opcode, length, mask = self.next_frame_header()
            if opcode != CONTINUATION:
                raise WsProtocolError("expected the rest of the control message")
        try:
            return b"".join(pieces).decode("utf-8")
        except UnicodeDecodeError:
            raise WsProtocolError("control message is not UTF-8") from None

    # ---- writing -------------------------------------------------------------------------------------------------

    def send_frame(self, opcode: int, payload=b"", fin: bool = True) -> None:
        send_all(self.sock, (frame_header(opcode, len(payload), fin), payload))

    def send_text(self, text: str) -> None:
        self.send_frame(TEXT, text.encode("utf-8"))

    def send_close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        encoded = reason.encode("utf-8")
        while len(encoded) > 123:  # a close reason is at most 123 bytes
            reason = reason[:-1]
            encoded = reason.encode("utf-8")
        try:
            self.send_frame(CLOSE, struct.pack("!H", code) + encoded)
        except OSError:
            pass  # the peer is gone already


class WsMessageReader(BodyReader):
    """One binary message (the object), read frame by frame as the transform asks for it."""

    def __init__(self, ws: WsConnection):
        self._ws = ws
        self._first = True
        self._fin = False
        self._left = 0
        self._offset = 0
        self._mask = b""
        self.at_end = False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.read_all()
        while self._left == 0:
            if self._fin or self.at_end:
                self.at_end = True
                return b""
            self._next_frame()
        n = min(size, self._left)
        data = self._ws.read_payload(n, self._mask, self._offset)
        self._offset += n
        self._left -= n
        if self._left == 0 and self._fin:
            self.at_end = True
        return data

    def _next_frame(self) -> None:
        fin, opcode, length, mask = self._ws.next_frame_header()
        expected = BINARY if self._first else CONTINUATION
        if opcode != expected:
            raise WsProtocolError("expected the object as a binary message")
        self._first = False
        self._fin, self._left, self._mask, self._offset = fin, length, mask, 0
        if fin and length == 0:
            self.at_end = True


class WsMessageWriter(CoalescingWriter):
    """The result as one binary message: frames go out as the transform writes (coalesced to 64 KiB)."""

    def __init__(self, ws: WsConnection):
        super().__init__()
        self._ws = ws
        self._opcode = BINARY

    def _emit(self, data) -> None:
        self._send(data, fin=False)

    def _send(self, data, fin: bool) -> None:
        self._ws.send_frame(self._opcode, data, fin)
        self._opcode = CONTINUATION

    def close(self) -> None:
        """Ends the message (an empty final frame when everything went out already)."""
        pending, self._pending = self._pending, bytearray()
        self._send(pending, fin=True)
