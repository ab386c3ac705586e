"""The C# etl-host's built-in transformers, in Python (``python3 -m oais_etl NAME``): the same names, outputs and
error messages, so one set of protocol tests covers both hosts."""

import hashlib
import os
import socket

from ._core import TransformError


def echo_stream(reader, writer, path, args):
    """The object byte for byte, streamed."""
    while True:
        piece = reader.read(1 << 20)
        if not piece:
            return
        writer.write(piece)


def echo_bytes(data, path, args):
    """The object byte for byte, through the bytes API (buffers one object)."""
    return data


def _hash_stream(name):
    def digest(reader, writer, path, args):
        h = hashlib.new(name)
        while True:
            piece = reader.read(1 << 20)
            if not piece:
                break
            h.update(piece)
        writer.write(h.hexdigest().encode("ascii"))
    digest.__name__ = name
    return digest


def upper(data, path, args):
    return data.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")


def hello(data, path, args):
    return b"Hello World!"


def echo_args(data, path, args):
    return args.encode("utf-8")


def whoami(data, path, args):
    return (os.environ.get("OAIS_NODE_ID") or socket.gethostname()).encode("utf-8")


def fail_on(data, path, args):
    """Echo, except objects whose name contains the marker (etl_args, else FAIL_ON) fail with a message naming them."""
    marker = args or os.environ.get("FAIL_ON", "")
    name = path.partition("/")[2]
    if marker and marker in name:
        raise TransformError(500, f"refusing '{path}' (its name contains '{marker}')")
    return data


# name -> (transform, transform_stream): exactly one of the two is set.
BUILTINS = {
    "echo": (None, echo_stream),
    "echo-bytes": (echo_bytes, None),
    "md5": (None, _hash_stream("md5")),
    "sha256": (None, _hash_stream("sha256")),
    "upper": (upper, None),
    "hello": (hello, None),
    "args": (echo_args, None),
    "whoami": (whoami, None),
    "fail-on": (fail_on, None),
}
