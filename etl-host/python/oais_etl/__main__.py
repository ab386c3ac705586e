"""python3 -m oais_etl NAME [--port N] [--stdio] [--max-concurrency N]: a built-in transformer (see builtins.py), or
python3 -m oais_etl --source FILE [--function transform] ...: a function from a Python file (runtime.python)."""

import sys

from . import serve
from .builtins import BUILTINS
from .source import load_function


def usage(message: str) -> None:
    print(f"oais_etl: {message}", file=sys.stderr)
    print(f"usage: python3 -m oais_etl <{'|'.join(BUILTINS)}> [--port N] [--stdio] [--max-concurrency N]\n"
          "       python3 -m oais_etl --source FILE [--function NAME] [--port N] [--stdio] [--max-concurrency N]",
          file=sys.stderr)
    sys.exit(2)


def main(argv) -> None:
    if not argv:
        usage("name a transformer, or --source FILE")
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
