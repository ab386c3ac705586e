"""python3 -m oais_etl NAME [--port N] [--stdio] [--max-concurrency N]: a built-in transformer (see builtins.py);
python3 -m oais_etl --source FILE [--function transform] ...: a function from a Python file; or
python3 -m oais_etl --from-env ...: runtime.python, the source, function and packages in OAIS_ETL_PYTHON_* (the silo
sets them)."""

import hashlib
import os
import sys
import tempfile

from . import serve
from .builtins import BUILTINS
from .source import load_function


def from_env(rest) -> None:
    source = os.environ.get("OAIS_ETL_PYTHON_SOURCE")
    if not source:
        usage("--from-env needs OAIS_ETL_PYTHON_SOURCE (the function's source)")
    etl = os.environ.get("ETL_NAME", "etl")
    packages = os.environ.get("OAIS_ETL_PYTHON_PACKAGES", "").split()
    if packages:
        from .packages import PackageError, ensure

        try:
            ensure(packages, etl)
        except PackageError as e:
            print(f"oais_etl: {e}", file=sys.stderr, flush=True)
            sys.exit(3)
    # A real file, so tracebacks show the user's lines; named by content, so restarts and io:// runs reuse it.
    folder = os.path.join(tempfile.gettempdir(), "oais-etl-source", f"{etl}-{hashlib.sha256(source.encode()).hexdigest()[:12]}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "transform.py")
    if not os.path.exists(path):
        scratch = f"{path}.{os.getpid()}"
        with open(scratch, "w", encoding="utf-8") as f:
            f.write(source)
        os.replace(scratch, path)
    transform, transform_stream = load_function(path, os.environ.get("OAIS_ETL_PYTHON_FUNCTION") or "transform")
    serve(transform, transform_stream=transform_stream, argv=rest)


def usage(message: str) -> None:
    print(f"oais_etl: {message}", file=sys.stderr)
    print(f"usage: python3 -m oais_etl <{'|'.join(BUILTINS)}> [--port N] [--stdio] [--max-concurrency N]\n"
          "       python3 -m oais_etl --source FILE [--function NAME] [--port N] [--stdio] [--max-concurrency N]",
          file=sys.stderr)
    sys.exit(2)


def main(argv) -> None:
    if not argv:
        usage("name a transformer, or --source FILE")
    if argv[0] == "--from-env":
        from_env(argv[1:])
        return
    if argv[0] == "--source":
        if len(argv) < 2:
            usage("--source needs a file")
        source, rest = argv[1], argv[2:]
        function = "transform"
        if rest[:1] == ["--function"]:
            if len(rest) < 2:
                usage("--function needs a name")
            function, rest = rest[1], rest[2:]
        transform, transform_stream = load_function(source, function)
        serve(transform, transform_stream=transform_stream, argv=rest)
        return
    if argv[0] not in BUILTINS:
        usage(f"unknown transformer '{argv[0]}'")
    transform, transform_stream = BUILTINS[argv[0]]
    serve(transform, transform_stream=transform_stream, argv=argv[1:])


main(sys.argv[1:])
