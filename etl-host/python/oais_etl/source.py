"""Loads the user's function from a Python file (runtime.python, ``oais etl init --from-file``).

A function with four parameters (reader, writer, path, args) is served as a streaming transform; with three
(data, path, args) through the bytes API. Errors at import say what is wrong and where, then exit with code 3."""

import os
import runpy
import sys


def _fail(message: str) -> None:
    print(f"oais_etl: {message}", file=sys.stderr, flush=True)
    sys.exit(3)


def load_function(path: str, name: str = "transform"):
    """(transform, transform_stream) for the function ``name`` defined in ``path``."""
    if not os.path.isfile(path):
        _fail(f"no such source file {path}")
    try:
        namespace = runpy.run_path(path, run_name="oais_etl_transform")
    except SyntaxError as e:
        _fail(f"syntax error in {os.path.basename(e.filename or path)} line {e.lineno}: {e.msg}"
              + (f"\n    {e.text.rstrip()}" if e.text else ""))
    except ImportError as e:
        _fail(f"importing {os.path.basename(path)} failed: {type(e).__name__}: {e} "
              "(list the package in runtime.python.packages, or install it on the node)")
    except BaseException as e:  # noqa: BLE001 - any failure at import is reported, not a traceback storm
        import traceback

        last = traceback.extract_tb(e.__traceback__)[-1]
        _fail(f"importing {os.path.basename(path)} failed: {type(e).__name__}: {e} (line {last.lineno})")
    function = namespace.get(name)
    if not callable(function):
        defined = sorted(k for k, v in namespace.items()
                         if (hasattr(v, "__code__") or isinstance(v, type)) and not k.startswith("_"))
        _fail(f"{os.path.basename(path)} defines no function or class '{name}' (there: {', '.join(defined) or 'none'})")
    if isinstance(function, type):
        function = _method_of(function, name)
    code = getattr(function, "__code__", None)
    if code is not None:
        # A plain function or method: no need to import inspect (io:// pays imports per object).
        parameters = code.co_argcount - (1 if hasattr(function, "__self__") else 0)
    else:
        import inspect

        try:
            parameters = len(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            parameters = 3
    if parameters == 4:
        return None, function
    if parameters == 3:
        return function, None
    _fail(f"{name} takes {parameters} parameters; use (data, path, args) or (reader, writer, path, args)")


def _method_of(cls, name):
    """AIStore's init_class: a class is instantiated once (no arguments) and its transform (or transform_stream)
    method serves, so state set up in __init__ (a model, a lookup table) is loaded once, not per object."""
    try:
        instance = cls()
    except Exception as e:  # noqa: BLE001 - reported as an init failure
        _fail(f"{name}() failed: {type(e).__name__}: {e}")
    for method in ("transform_stream", "transform"):
        if callable(getattr(instance, method, None)):
            return getattr(instance, method)
    _fail(f"class {name} has no transform(self, data, path, args) or transform_stream(self, reader, writer, path, args) method")
