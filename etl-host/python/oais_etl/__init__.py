"""oais_etl: write an OrleansAis (AIStore-style) ETL transformer in Python with the standard library only.

    import oais_etl

    def transform(data: bytes, path: str, args: str) -> bytes:
        return data.upper()

    oais_etl.serve(transform)

or, for objects that do not fit in memory, ``oais_etl.serve(transform_stream=fn)`` with
``def fn(reader, writer, path, args)``: ``reader.read(n)`` returns up to n bytes (b"" at the end) while the object is
still arriving, and ``writer.write(b)`` sends the result as it goes.

One call serves every communicator of the wire contract (docs/ETL.md, "Transformer protocol"): hpush, hpull, hrev and
ws on one port plus GET /health, io:// with ``--stdio``, ``etl_fqn``, direct put (``Ais-Node-Url``), ``etl_args`` and
bounded concurrency (``--max-concurrency N`` / MAX_CONCURRENCY). ``path`` is "bucket/object"; ``args`` is the
request's etl_args ("" when none). Raise ``TransformError(status, message)`` to fail one object with a chosen status;
any other exception is a 500 (an ``error`` status over ws, exit code 1 with ``--stdio``) naming it.
"""

import sys
from typing import List, Optional

from ._core import TransformError, Transformer, Transform, TransformStream
from ._options import ServerOptions, UsageError, parse_options
from ._stdio import run_stdio

__all__ = ["serve", "TransformError", "ServerOptions", "parse_options", "make_server", "Transformer", "run_stdio"]
__version__ = "1.0"


def make_server(transformer: Transformer, options: ServerOptions):
    """The server for ``transformer``, bound but not serving yet (``serve_forever()`` in a thread to embed it)."""
    from ._server import make_server as make

    return make(transformer, options)


def serve(transform: Optional[Transform] = None, *, transform_stream: Optional[TransformStream] = None,
          argv: Optional[List[str]] = None) -> None:
    """Serves ``transform`` (or ``transform_stream``) until the process is stopped; with ``--stdio`` transforms stdin
    to stdout once. Exits the process with its exit code (2 for a bad command line)."""
    try:
        options = parse_options(sys.argv[1:] if argv is None else argv)
        transformer = Transformer(transform, transform_stream, options.max_concurrency)
    except (UsageError, TypeError) as e:
        print(f"oais_etl: {e}", file=sys.stderr)
        sys.exit(2)
    if options.stdio:
        sys.exit(run_stdio(transformer))
    from ._server import serve_forever  # the HTTP and ws machinery only when serving

    try:
        serve_forever(transformer, options)
    except KeyboardInterrupt:
        pass
    except OSError as e:
        print(f"oais_etl: cannot serve on port {options.port}: {e}", file=sys.stderr)
        sys.exit(1)
