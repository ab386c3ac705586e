"""runtime.python.packages: installed with pip before the transformer serves, where a package index is reachable.

Packages already installed on the node (e.g. Debian's python3-pil provides Pillow) are used as they are. Otherwise
pip installs into a folder per ETL and package set (reused by restarts and by io://'s per-object runs). Where no index
answers, init is refused at once with what to do instead: never a silent hang."""

import fcntl
import hashlib
import importlib.metadata
import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.parse
from typing import List, Optional

INDEX_PROBE_SECONDS = 5
PIP_SECONDS = 600  # the silo's init_timeout bounds it further


class PackageError(Exception):
    """Why the packages cannot be had; the transformer exits with it and the silo shows it as the init error."""


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, 1)[0]


def missing(requirements: List[str]) -> List[str]:
    """The requirements not satisfied by what is installed (one with a version specifier always goes to pip)."""
    result = []
    for requirement in requirements:
        if _name(requirement) != requirement:
            result.append(requirement)
            continue
        try:
            importlib.metadata.distribution(requirement)
        except importlib.metadata.PackageNotFoundError:
            result.append(requirement)
    return result


def index_url() -> str:
    """The index pip would use: PIP_INDEX_URL, else pip's configuration, else PyPI."""
    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        try:
            out = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                 capture_output=True, text=True, timeout=30)
            url = out.stdout.strip() if out.returncode == 0 else ""
        except (OSError, subprocess.TimeoutExpired):
            url = ""
    return url or "https://pypi.org/simple"


def index_reachable(url: str) -> Optional[str]:
    """None when the index's host accepts a connection within a few seconds, else why not."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        return None
    # Behind a proxy, pip talks to the proxy: that is the host that must answer.
    proxy = os.environ.get(f"{parts.scheme}_proxy") or os.environ.get(f"{parts.scheme.upper()}_PROXY")
    if proxy:
        parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=INDEX_PROBE_SECONDS):
            return None
    except OSError as e:
        return f"{host}:{port}: {e}"


def ensure(requirements: List[str], etl_name: str) -> Optional[str]:
    """Makes ``requirements`` importable; returns the folder added to sys.path, if one was needed."""
    needed = missing(requirements)
    if not needed:
        return None
    key = hashlib.sha256(" ".join(sorted(needed)).encode()).hexdigest()[:12]
    target = os.path.join(tempfile.gettempdir(), "oais-etl-packages", f"{etl_name or 'etl'}-{key}")
    os.makedirs(target, exist_ok=True)
    # One installer at a time per folder: io:// starts a process per object, restarts may overlap.
    with open(os.path.join(target, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = os.path.join(target, ".installed")
        if not os.path.exists(done):
            _install(needed, target)
            open(done, "w").close()
    sys.path.insert(0, target)
    return target


def _install(needed: List[str], target: str) -> None:
    names = " ".join(needed)
    try:
        subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        raise PackageError(f"runtime.python.packages: cannot install {names}: pip is not available to {sys.executable} "
                           "(install python3-pip on the node, or build an image with the packages)") from None
    url = index_url()
    unreachable = index_reachable(url)
    if unreachable:
        raise PackageError(f"runtime.python.packages: cannot install {names}: no package index is reachable from this "
                           f"node ({url}: {unreachable}). Install them on the node (e.g. apt-get install python3-<name>) "
                           "or build an image that has them, and drop them from packages")
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
               "--retries", "1", "--timeout", "15", "--target", target, *needed]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=PIP_SECONDS)
    except subprocess.TimeoutExpired:
        raise PackageError(f"runtime.python.packages: pip did not install {names} within {PIP_SECONDS} s") from None
    if out.returncode != 0:
        last = [line for line in (out.stderr or out.stdout).splitlines() if line.strip()][-3:]
        raise PackageError(f"runtime.python.packages: pip could not install {names}: {' | '.join(last)}")
