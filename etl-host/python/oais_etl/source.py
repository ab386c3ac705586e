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
        defined = sorted(k for k, v in namespace.items() if hasattr(v, "__code__") and not k.startswith("_"))
        _fail(f"{os.path.basename(path)} defines no function '{name}' (functions there: {', '.join(defined) or 'none'})")
    code = getattr(function, "__code__", None)
    if code is not None:
        parameters = code.co_argcount  # a plain function: no need to import inspect (io:// pays imports per object)
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
