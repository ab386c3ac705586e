"""The transformer's own HTTP calls to silos: raw-object fetches (hpull, hrev) and direct put to a destination owner."""

import http.client
import socket
import threading
import urllib.parse
from typing import Callable, Optional

from ._core import TransformError
from ._io import ChunkedWriter, FileReader


# Keep-alive connections per thread and destination: each handler thread reuses its own (http.client is not thread-safe).
_connections = threading.local()

# Hosts (netloc) reached over a Unix socket instead of TCP: the silo's own, when it offered OAIS_TARGET_SOCKET.
_unix_sockets = {}


def use_unix_socket(target_url: Optional[str], path: Optional[str]) -> None:
    """Requests to ``target_url``'s host (raw-object fetches, direct puts to this silo) go over ``path``."""
    if target_url and path:
        _unix_sockets[urllib.parse.urlsplit(target_url).netloc] = path


class _UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 to a host name over a Unix socket: the Host header stays the host's, the bytes skip loopback TCP."""

    def __init__(self, netloc: str, path: str):
        super().__init__(netloc, timeout=None)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self._path)


def _connection(netloc: str, fresh: bool = False) -> http.client.HTTPConnection:
    pool = getattr(_connections, "pool", None)
    if pool is None:
        pool = _connections.pool = {}
    conn = pool.get(netloc)
    if conn is None or fresh:
        if conn is not None:
            conn.close()
        path = _unix_sockets.get(netloc)
        conn = pool[netloc] = _UnixConnection(netloc, path) if path else http.client.HTTPConnection(netloc, timeout=None)
    return conn


def _drop_connection(netloc: str) -> None:
    pool = getattr(_connections, "pool", {})
    conn = pool.pop(netloc, None)
    if conn is not None:
        conn.close()


def escape_object_path(bucket: str, name: str) -> str:
    return urllib.parse.quote(bucket, safe="") + "/" + "/".join(urllib.parse.quote(s, safe="") for s in name.split("/"))


class RawObject:
    """An object fetched from the silo: ``reader`` streams it; ``close`` returns the connection for reuse."""

    def __init__(self, response: http.client.HTTPResponse):
        self._response = response
        self.reader = FileReader(response)

    def close(self) -> None:
        self._response.close()


def fetch_raw(target_url: Optional[str], bucket: str, name: str, pipeline_input: Optional[str] = None) -> RawObject:
    """hpull/hrev: GET AIS_TARGET_URL/bucket/object (append to the URL, never rebuild it); a failure is a 502.
    With ``pipeline_input`` (the request's ``oais_input``), the input the silo holds for this pipeline stage."""
    if not target_url:
        raise TransformError(502, "AIS_TARGET_URL is not set: cannot fetch the raw object")
    base = urllib.parse.urlsplit(target_url)
    path = base.path.rstrip("/") + "/" + escape_object_path(bucket, name)
    if pipeline_input:
        path += "?oais_input=" + urllib.parse.quote(pipeline_input, safe="")
    for attempt in (0, 1):
        conn = _connection(base.netloc, fresh=attempt > 0)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = conn.getresponse()
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
            # A kept-alive connection the silo closed meanwhile: once more on a new one.
            _drop_connection(base.netloc)
            if attempt:
                raise TransformError(502, f"fetching {bucket}/{name} from the silo failed: {e}") from e
        except OSError as e:
            _drop_connection(base.netloc)
            raise TransformError(502, f"fetching {bucket}/{name} from the silo failed: {e}") from e
    if 200 <= response.status < 300:
        return RawObject(response)
    body = response.read(4096).decode("utf-8", "replace")
    response.close()
    raise TransformError(502, f"fetching {bucket}/{name} from the silo failed: {response.status} {body}")


def _destination_failed(url: str, detail) -> TransformError:
    return TransformError(502, f"direct put to {url} failed: {detail}")


def _check_put_response(conn, netloc: str, url: str) -> None:
    response = conn.getresponse()
    body = response.read()
    if response.will_close:
        _drop_connection(netloc)
    if not 200 <= response.status < 300:
        raise _destination_failed(url, f"{response.status} {body[:4096].decode('utf-8', 'replace')}")


def put_bytes(url: str, data) -> int:
    """Direct put of a whole result (bytes API)."""
    target = urllib.parse.urlsplit(url)
    path = target.path + (f"?{target.query}" if target.query else "")
    for attempt in (0, 1):
        conn = _connection(target.netloc, fresh=attempt > 0)
        try:
            conn.request("PUT", path, body=data, headers={"Content-Type": "application/octet-stream"})
            _check_put_response(conn, target.netloc, url)
            return len(data)
        except TransformError:
            raise
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
            _drop_connection(target.netloc)
            if attempt:
                raise _destination_failed(url, e) from e
        except (OSError, http.client.HTTPException) as e:
            _drop_connection(target.netloc)
            raise _destination_failed(url, e) from e
    raise AssertionError("unreachable")


def put_streamed(url: str, produce: Callable[[object], None]) -> int:
    """Direct put of a streamed result: ``produce(writer)`` writes into a chunked PUT as it goes. If it fails, the PUT
    is cut off without its last chunk, so the destination never commits a partial result; its error is raised."""
    target = urllib.parse.urlsplit(url)
    path = target.path + (f"?{target.query}" if target.query else "")
    # A fresh connection: a streamed body cannot be replayed if a kept-alive one turns out to be dead.
    conn = _connection(target.netloc, fresh=True)
    try:
        conn.putrequest("PUT", path, skip_accept_encoding=True)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
    except OSError as e:
        _drop_connection(target.netloc)
        raise _destination_failed(url, e) from e
    writer = ChunkedWriter(conn.sock)
    try:
        produce(writer)
    except BaseException as e:
        _drop_connection(target.netloc)
        if writer.send_error is not None:
            raise _destination_failed(url, writer.send_error) from e
        raise
    try:
        writer.close()
        _check_put_response(conn, target.netloc, url)
    except TransformError:
        raise
    except (OSError, http.client.HTTPException) as e:
        _drop_connection(target.netloc)
        raise _destination_failed(url, e) from e
    return writer.written
