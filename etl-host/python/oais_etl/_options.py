"""Command line and environment of a transformer: the same conventions as the C# host (TransformerServerOptions.cs)."""

import os
from typing import List, Optional

DEFAULT_PORT = 8000  # AIStore's transformer port


def _default_concurrency() -> int:
    return (os.cpu_count() or 1) * 2


def _positive(value: Optional[str]) -> Optional[int]:
    n = _non_negative(value)
    return n if n else None


def _non_negative(value: Optional[str]) -> Optional[int]:
    try:
        n = int(value) if value is not None else -1
    except ValueError:
        return None
    return n if n >= 0 else None


class ServerOptions:
    """--port N (else PORT, else 8000; 0 picks a free port), --stdio, --max-concurrency N (else MAX_CONCURRENCY, else
    twice the processor count), AIS_TARGET_URL (hpull/hrev fetch raw objects there), OAIS_ETL_PORT_FILE (where to
    report the bound port), OAIS_ETL_SOCKET (a Unix socket to listen on as well), OAIS_TARGET_SOCKET (the silo's own
    Unix socket, for requests to AIS_TARGET_URL's host), and the leftover arguments.
    (A plain class, not a dataclass: dataclasses imports inspect and ast, which io:// would pay for per object.)"""

    def __init__(self, port: int = DEFAULT_PORT, stdio: bool = False, max_concurrency: Optional[int] = None,
                 target_url: Optional[str] = None, host: str = "0.0.0.0", rest: Optional[List[str]] = None,
                 port_file: Optional[str] = None, listen_socket: Optional[str] = None, target_socket: Optional[str] = None):
        self.port = port
        self.stdio = stdio
        self.max_concurrency = max_concurrency or _default_concurrency()
        self.target_url = target_url
        self.host = host
        self.rest = rest or []
        self.port_file = port_file
        self.listen_socket = listen_socket
        self.target_socket = target_socket

    def __repr__(self) -> str:
        return f"ServerOptions({self.__dict__})"


class UsageError(ValueError):
    """A bad command line; the host exits with code 2 and the message."""


def parse_options(args: List[str], environ=None) -> ServerOptions:
    env = os.environ if environ is None else environ
    port = _non_negative(env.get("PORT"))  # PORT=0: a silo asks for a port picked here and reported in the port file
    port = DEFAULT_PORT if port is None else port
    concurrency = _positive(env.get("MAX_CONCURRENCY")) or _default_concurrency()
    stdio = False
    rest: List[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--port":
            port, i = _number_after(args, i, minimum=0), i + 1
        elif arg == "--max-concurrency":
            concurrency, i = _number_after(args, i, minimum=1), i + 1
        elif arg == "--stdio":
            stdio = True
        elif arg == "--":
            rest.extend(args[i + 1:])
            break
        else:
            rest.append(arg)
        i += 1
    return ServerOptions(port=port, stdio=stdio, max_concurrency=concurrency,
                         target_url=env.get("AIS_TARGET_URL") or None, rest=rest, port_file=env.get("OAIS_ETL_PORT_FILE") or None,
                         listen_socket=env.get("OAIS_ETL_SOCKET") or None, target_socket=env.get("OAIS_TARGET_SOCKET") or None)


def _number_after(args: List[str], i: int, minimum: int) -> int:
    if i + 1 < len(args):
        try:
            n = int(args[i + 1])
            if n >= minimum:
                return n
        except ValueError:
            pass
    raise UsageError(f"{args[i]} needs a number of at least {minimum}")
