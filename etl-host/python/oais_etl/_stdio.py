"""io:// (--stdio): the object on stdin, the result on stdout. A process per object, so only light imports here."""

import os
import sys

from ._core import TransformError, Transformer, describe
from ._io import FileReader


def run_stdio(transformer: Transformer, stdin=None, stdout=None, stderr=None, environ=None) -> int:
    """io://: the object on stdin, the result on stdout, the exit code says whether it worked (message on stderr)."""
    env = os.environ if environ is None else environ
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    stderr = stderr or sys.stderr
    path = env.get("OBJECT_PATH", "")
    args = env.get("ETL_ARGS", "")
    try:
        if transformer.streaming:
            transformer.run_stream(FileReader(stdin), stdout, path, args)
        else:
            stdout.write(transformer.run_bytes(stdin.read(), path, args))
        stdout.flush()
        return 0
    except Exception as e:  # noqa: BLE001 - the exit code reports it
        if not isinstance(e, TransformError):
            import traceback

            traceback.print_exc(file=stderr)
        print("transformer error: " + describe(e, path), file=stderr, flush=True)
        return 1
