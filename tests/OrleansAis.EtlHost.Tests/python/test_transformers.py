"""Python counterparts of Infrastructure/TestTransformers.cs, served by oais_etl: python3 test_transformers.py NAME ..."""

import sys
import threading
import time

import oais_etl

running = 0
max_running = 0
lock = threading.Lock()


def request_echo(data, path, args):
    """'bucket|object|etl_args|': what reached the transformer (bytes API)."""
    bucket, _, name = path.partition("/")
    return f"{bucket}|{name}|{args}|".encode("utf-8")


def request_echo_stream(reader, writer, path, args):
    reader.drain()
    writer.write(request_echo(b"", path, args))


def fail_midway(reader, writer, path, args):
    """Writes part of a result, then fails: the failure comes after the response has started."""
    writer.write(bytes(100_000))
    writer.flush()
    raise RuntimeError("broke halfway")


def slow(data, path, args):
    """Holds each object 300 ms and answers with the most transforms it ever saw at once."""
    global running, max_running
    with lock:
        running += 1
        max_running = max(max_running, running)
    time.sleep(0.3)
    with lock:
        running -= 1
        return str(max_running).encode()


def crash_on_import_of_nothing(data, path, args):
    return undefined_name  # noqa: F821 - a NameError raised inside the transform


TRANSFORMERS = {
    "request-echo": (request_echo, None),
    "request-echo-stream": (None, request_echo_stream),
    "fail-midway": (None, fail_midway),
    "slow": (slow, None),
    "name-error": (crash_on_import_of_nothing, None),
}

if __name__ == "__main__":
    transform, transform_stream = TRANSFORMERS[sys.argv[1]]
    oais_etl.serve(transform, transform_stream=transform_stream, argv=sys.argv[2:])
