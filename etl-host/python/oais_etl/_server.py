"""The transformer server: one port for GET /health, hpush (PUT), hpull/hrev (GET), ws (/ws), direct put and fqn;
``--stdio`` for io://. Mirrors etl-host/OrleansAis.Etl.Sdk (HttpTransforms.cs, WebSocketTransforms.cs)."""

import http.server
import json
import os
import socket
import socketserver
import sys
import threading
import traceback
import urllib.parse
from typing import Optional

from . import _net, _ws
from ._core import TransformError, Transformer, describe, status_of
from ._io import ChunkedReader, ChunkedWriter, FileReader, LengthReader, send_all
from ._net import fetch_raw, put_bytes, put_streamed
from ._options import ServerOptions

MAX_CONTROL_BYTES = 1 << 20
NODE_URL = "Ais-Node-Url"
DIRECT_PUT_LENGTH = "Ais-Direct-Put-Length"


def log(line: str) -> None:
    # One line per event on stdout; the silo keeps it for `oais etl logs`.
    print(line, flush=True)


def split_path(path: str):
    """"bucket/object" as in a ws control message: the bucket is everything up to the first '/'."""
    bucket, _, name = path.partition("/")
    return bucket, name


def parse_target(target: str):
    """Bucket and object from the raw request target; each segment is unescaped on its own, so %2F stays in a name."""
    raw_path, _, query = target.partition("?")
    segments = [urllib.parse.unquote(s) for s in raw_path.lstrip("/").split("/")]
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    return segments[0], "/".join(segments[1:]), params


def open_fqn(fqn: str):
    if not os.path.isabs(fqn):
        raise TransformError(400, f"etl_fqn must be an absolute path, not '{fqn}'")
    return open(fqn, "rb")


class _Request:
    """One object's input, wherever it comes from, and what to do with the result."""

    __slots__ = ("bucket", "name", "args", "fqn", "reader", "closer")

    def __init__(self, bucket, name, args, fqn, reader, closer=None):
        self.bucket, self.name, self.args, self.fqn, self.reader, self.closer = bucket, name, args, fqn, reader, closer

    @property
    def path(self) -> str:
        return f"{self.bucket}/{self.name}"

    def close(self) -> None:
        if self.closer is not None:
            self.closer()


def run_to_destination(transformer: Transformer, request: _Request, url: str) -> int:
    """Direct put: the result goes to ``url`` and the bytes delivered are returned."""
    if transformer.streaming:
        return put_streamed(url, lambda writer: transformer.run_stream(request.reader, writer, request.path, request.args))
    return put_bytes(url, transformer.run_bytes(request.reader.read_all(), request.path, request.args))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the silo reuses connections
    disable_nagle_algorithm = True  # small answers must not wait for a delayed ACK
    server_version = "oais-etl-python"
    sys_version = ""
    transformer: Transformer = None  # set on the subclass made per server
    options: ServerOptions = None

    def log_message(self, format, *args):  # noqa: A002 - http.server's name
        pass  # no access log: one line per failure, as the C# host

    # ---- plain responses ---------------------------------------------------------------------------------------

    def _head(self, status: int, headers) -> bytes:
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8", headers=()) -> None:
        head = self._head(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers])
        send_all(self.connection, (head, body))

    def _fail(self, method: str, status: int, message: str) -> None:
        log(f"{method} {self.path} failed: {message}")
        self._answer(status, ("transformer error: " + message).encode("utf-8"))

    # ---- routes ------------------------------------------------------------------------------------------------

    def do_GET(self):
        if self.path == "/health":
            return self._answer(200, b"Running")
        if self.path == "/ws" or self.path.startswith("/ws?"):
            return self._websocket()
        self._transform("GET", pull=True)

    def do_PUT(self):
        self._transform("PUT", pull=False)

    do_POST = do_PUT  # AIStore's older hpush

    def _body_reader(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return ChunkedReader(self.rfile)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise TransformError(400, "bad Content-Length") from None
        if length < 0:
            raise TransformError(400, "bad Content-Length")
        return LengthReader(self.rfile, length)

    def _transform(self, method: str, pull: bool) -> None:
        body = None
        request = None
        writer = None
        try:
            body = None if pull else self._body_reader()
            bucket, name, params = parse_target(self.path)
            if not bucket or not name:
                raise TransformError(404, "expected /{bucket}/{object}")
            args = params.get("etl_args", [""])[0]
            fqn = params.get("etl_fqn", [None])[0]
            if fqn is not None:
                file = open_fqn(fqn)
                request = _Request(bucket, name, args, fqn, FileReader(file), file.close)
            elif pull:
                # A pipeline stage's input: the silo serves it under the token it passed (oais_input).
                raw = fetch_raw(self.options.target_url, bucket, name, params.get("oais_input", [None])[0])
                request = _Request(bucket, name, args, None, raw.reader, raw.close)
            else:
                request = _Request(bucket, name, args, None, body)
            destination = self.headers.get(NODE_URL)
            if destination:
                length = run_to_destination(self.transformer, request, destination)
                self._drain(body)
                head = self._head(204, [(DIRECT_PUT_LENGTH, str(length)), ("Content-Length", "0")])
                return self.connection.sendall(head)
            if self.transformer.streaming:
                start = lambda: self._head(200, [("Content-Type", "application/octet-stream"), ("Transfer-Encoding", "chunked")])
                writer = ChunkedWriter(self.connection, start)
                self.transformer.run_stream(request.reader, writer, request.path, args)
                self._drain(body)
                writer.close()
            else:
                result = self.transformer.run_bytes(request.reader.read_all(), request.path, args)
                self._drain(body)
                self._answer(200, result, "application/octet-stream")
        except Exception as e:  # noqa: BLE001 - every failure is answered
            if writer is not None and writer.started:
                # Part of the result is out: end the connection so nobody takes a truncated result for a complete one.
                log(f"{method} {self.path} failed after the response started: {describe(e, request.path if request else '')}")
                self._abort()
                return
            if isinstance(e, ConnectionError):
                self._abort()  # the caller went away (or its body broke off): nobody to answer
                return
            if not isinstance(e, TransformError):
                traceback.print_exc(file=sys.stderr)
            # Read the rest of the body first: a caller still sending would otherwise see a broken pipe, not our answer.
            if body is not None and not getattr(body, "at_end", True):
                try:
                    body.drain()
                except (OSError, ValueError):
                    self.close_connection = True
            self._fail(method, status_of(e), describe(e, request.path if request else ""))
        finally:
            if request is not None:
                request.close()

    def _drain(self, body) -> None:
        if body is not None:
            body.drain()

    def _abort(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ---- ws ----------------------------------------------------------------------------------------------------

    def _websocket(self) -> None:
        key = self.headers.get("Sec-WebSocket-Key")
        if "websocket" not in self.headers.get("Upgrade", "").lower() or not key:
            return self._answer(400, b"expected a websocket upgrade")
        self.connection.sendall((
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {_ws.accept_key(key)}\r\n\r\n").encode("ascii"))
        self.close_connection = True
        ws = _ws.WsConnection(self.connection, self.rfile)
        try:
            while True:
                try:
                    text = ws.read_text_message(MAX_CONTROL_BYTES)
                except _ws.WsClosed:
                    return
                self._ws_object(ws, parse_control(text))
        except _ws.WsProtocolError as e:
            log(f"ws protocol error, closing the connection: {e}")
            ws.send_close(_ws.CLOSE_PROTOCOL_ERROR, str(e))
        except (_ws.WsClosed, OSError):
            pass  # the silo went away mid-object

    def _ws_object(self, ws: _ws.WsConnection, control: dict) -> None:
        object_id, path, args, fqn, destination = control["id"], control["path"], control["etl_args"], control["fqn"], control["dst_url"]
        bucket, name = split_path(path)
        received = None if fqn is not None else _ws.WsMessageReader(ws)
        output = _ws.WsMessageWriter(ws) if destination is None else None
        request = None
        reply = {"id": object_id, "status": "ok", "message": None, "direct_put_length": None}
        try:
            if received is None:
                file = open_fqn(fqn)
                request = _Request(bucket, name, args or "", fqn, FileReader(file), file.close)
            else:
                request = _Request(bucket, name, args or "", None, received)
            if destination is not None:
                reply["direct_put_length"] = run_to_destination(self.transformer, request, destination)
            elif self.transformer.streaming:
                self.transformer.run_stream(request.reader, output, request.path, request.args)
            else:
                output.write(self.transformer.run_bytes(request.reader.read_all(), request.path, request.args))
        except (_ws.WsProtocolError, _ws.WsClosed):
            raise
        except ConnectionError:
            raise  # the connection broke
        except Exception as e:  # noqa: BLE001 - the status says error, the connection goes on
            if not isinstance(e, TransformError):
                traceback.print_exc(file=sys.stderr)
            reply = self._ws_error(object_id, path, e)
        finally:
            if request is not None:
                request.close()
        # Whatever the transform left unread is dropped, so the next control message is where it is expected.
        if received is not None:
            received.drain()
        if output is not None:
            output.close()
        ws.send_text(json.dumps(reply, separators=(",", ":")))

    @staticmethod
    def _ws_error(object_id, path, error) -> dict:
        message = describe(error, path)
        log(f"ws {path} failed: {message}")
        return {"id": object_id, "status": "error", "message": "transformer error: " + message, "direct_put_length": None}


def parse_control(text: str) -> dict:
    """The ws control message ({"id", "path", "etl_args", "fqn", "dst_url"}); id and path are required."""
    try:
        control = json.loads(text)
    except ValueError as e:
        raise _ws.WsProtocolError(f"bad control message: {e}") from None
    if not isinstance(control, dict):
        raise _ws.WsProtocolError("bad control message: not a JSON object")
    object_id = control.get("id")
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        raise _ws.WsProtocolError("bad control message: 'id' (a number) is required")
    if not isinstance(control.get("path"), str):
        raise _ws.WsProtocolError("bad control message: 'path' (a string) is required")
    for optional in ("etl_args", "fqn", "dst_url"):
        if control.get(optional) is not None and not isinstance(control[optional], str):
            raise _ws.WsProtocolError(f"bad control message: '{optional}' must be a string or null")
        control.setdefault(optional, None)
    return control


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """A thread per connection (the silo keeps a few alive); transforms themselves are bounded by the semaphore."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    @property
    def port(self) -> int:
        return self.server_address[1]


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The same handler on the Unix socket the silo offered (OAIS_ETL_SOCKET): the silo prefers it to loopback TCP."""

    daemon_threads = True
    request_queue_size = 128


def _handler(transformer: Transformer, options: ServerOptions, unix: bool = False):
    # TCP_NODELAY is a TCP option: on a Unix socket setting it fails every connection (and nothing waits for an ACK).
    extra = {"disable_nagle_algorithm": False} if unix else {}
    return type("TransformHandler", (Handler,), {"transformer": transformer, "options": options, **extra})


def make_server(transformer: Transformer, options: ServerOptions) -> Server:
    """The server, bound but not yet serving (``serve_forever`` in a thread to embed it; tests use port 0)."""
    return Server((options.host, options.port), _handler(transformer, options))


def make_unix_server(transformer: Transformer, options: ServerOptions) -> UnixServer:
    """Bound to ``options.listen_socket``; a crashed predecessor's socket file is removed first, or the bind fails."""
    try:
        os.unlink(options.listen_socket)
    except FileNotFoundError:
        pass
    return UnixServer(options.listen_socket, _handler(transformer, options, unix=True))


def report_port(path: str, port: int) -> None:
    """Tells the silo the port that was bound (bound already, so nobody else holds it): written under another name and
    renamed, so the silo never reads half a number."""
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        f.write(str(port))
    os.replace(temporary, path)


def serve_forever(transformer: Transformer, options: ServerOptions, ready: Optional[threading.Event] = None) -> None:
    server = make_server(transformer, options)
    _net.use_unix_socket(options.target_url, options.target_socket)
    # Bound before the port is reported (and so before /health answers): the silo looks for the socket file then.
    unix = make_unix_server(transformer, options) if options.listen_socket else None
    if unix is not None:
        threading.Thread(target=unix.serve_forever, kwargs={"poll_interval": 0.5}, name="unix-socket", daemon=True).start()
    if options.port_file:
        report_port(options.port_file, server.port)
    also = f" and unix:{options.listen_socket}" if unix is not None else ""
    log(f"serving {transformer.name} on http://{options.host}:{server.port}{also} over hpush, hpull, hrev and ws; "
        f"at most {transformer.max_concurrency} transforms at once")
    if ready is not None:
        ready.set()
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        if unix is not None:
            unix.shutdown()
            unix.server_close()
