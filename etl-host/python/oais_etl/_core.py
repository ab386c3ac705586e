"""What every communicator shares: the user's function behind bounded concurrency, and errors that carry an HTTP
status and a message. Kept free of network imports: io:// (--stdio) pays for every import once per object."""

import os
import threading
from typing import Callable, Optional

Transform = Callable[[bytes, str, str], bytes]
TransformStream = Callable[[object, object, str, str], None]


class TransformError(Exception):
    """Raise it to fail one object with a status of your choice: ``raise TransformError(400, "etl_args must be N")``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def describe(error: BaseException, path: str = "") -> str:
    """The message a caller sees: a TransformError's as is (it chose its words); a Python exception with the object it
    failed on, its type, and where it was raised."""
    if isinstance(error, TransformError):
        return error.message
    if isinstance(error, FileNotFoundError):
        return f"no such file {error.filename}" if error.filename else str(error)
    import traceback  # only on failures: io:// starts a process per object, imports are its start-up cost

    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {os.path.basename(last.filename)}:{last.lineno} in {last.name})"
    return f"{path}: {text}" if path else text


def status_of(error: BaseException) -> int:
    if isinstance(error, TransformError):
        return error.status
    if isinstance(error, (FileNotFoundError, IsADirectoryError, NotADirectoryError)):
        return 404
    return 500


class Transformer:
    """The user's function, either form, run at most ``max_concurrency`` at a time."""

    def __init__(self, transform: Optional[Transform], transform_stream: Optional[TransformStream], max_concurrency: int):
        if (transform is None) == (transform_stream is None):
            raise TypeError("give exactly one of transform(data, path, args) and transform_stream(reader, writer, path, args)")
        self.transform = transform
        self.transform_stream = transform_stream
        self.streaming = transform_stream is not None
        self.name = getattr(transform or transform_stream, "__name__", "transform")
        self.max_concurrency = max_concurrency
        self._slots = threading.BoundedSemaphore(max_concurrency)

    def run_bytes(self, data: bytes, path: str, args: str) -> bytes:
        with self._slots:
            result = self.transform(data, path, args)
        if isinstance(result, str):
            raise TypeError(f"{self.name} returned str; return bytes (e.g. text.encode())")
        if not isinstance(result, (bytes, bytearray, memoryview)):
            raise TypeError(f"{self.name} returned {type(result).__name__}; return bytes")
        return result

    def run_stream(self, reader, writer, path: str, args: str) -> None:
        with self._slots:
            self.transform_stream(reader, writer, path, args)
