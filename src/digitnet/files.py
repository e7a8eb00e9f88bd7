"""What every layer needs from the disk: atomic writes, the models folder and its newest model.

A write goes to a temp file beside its target and is renamed over it, so a reader sees the old
file or the new one, never half of either; temp files left by killed writes are cleared later.
Nothing here knows what a network is: a model file is recognised by its metadata alone.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from .errors import SettingError

STALE_TEMP_S = 3600  # a temp file untouched this long was left by a write that was killed
MODEL_SUFFIX = ".safetensors"
MODEL_FORMAT = "digitnet-model"  # the metadata "format" of a digitnet model file


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync, then rename.

    A crash or a failed write at any moment leaves either the old file or the new one. With
    ``replace=False`` a file already at ``path`` is never replaced: FileExistsError instead
    (the temp file is hard-linked to the name, which fails, atomically, if the name is taken).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 → the permissions a plain open gives
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError) and e.filename == tmp:  # name the file the user asked for
            e.filename, e.filename2 = str(path), None
        raise
    remove_stale_temps(path.parent, f".{path.name}.", ".tmp")


def _link_new(tmp: str, path: Path) -> None:
    """Give the temp file ``path`` as its name only if no file has it yet; then drop ``tmp``."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(
            errno.EEXIST, "a file is there already; not replaced", str(path)
        ) from None
    except OSError:  # no hard links on this file system: check, then rename (a narrow race)
        if path.exists():
            raise FileExistsError(
                errno.EEXIST, "a file is there already; not replaced", str(path)
            ) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def remove_stale_temps(folder: Path, prefix: str, suffix: str) -> None:
    """Delete the temp files that writes killed outright (kill -9, a power cut) left in folder.

    Only names this kind of write makes, and only ones untouched for an hour, so that a write
    still going on in another process keeps its file.
    """
    cutoff = time.time() - STALE_TEMP_S
    for tmp in folder.glob(f"{glob.escape(prefix)}*{glob.escape(suffix)}"):
        with contextlib.suppress(OSError):  # gone already, or not ours to delete
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()


# ---- the models folder -------------------------------------------------------------------


def models_dir() -> Path:
    """Where models go by default: $DIGITNET_MODELS, else $XDG_DATA_HOME/digitnet/models."""
    if os.environ.get("DIGITNET_MODELS"):
        return Path(os.environ["DIGITNET_MODELS"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "digitnet" / "models"


def safetensors_metadata(data: bytes) -> dict[str, str]:
    """The ``__metadata__`` of safetensors bytes (8-byte little-endian header length, JSON).

    ``data`` may be the whole file or only its start; ValueError if the header is not there.
    """
    if len(data) < 8:
        raise ValueError("file too short")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise ValueError("header longer than the file")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    meta = meta or {}
    if not isinstance(meta, dict):
        raise ValueError("metadata is not an object")
    return meta


def is_digitnet_model(path: str | os.PathLike) -> bool:
    """Whether a file's safetensors header says it is a digitnet model (reads the header only)."""
    try:
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            if n > 100_000_000:  # a header that size is no model of ours
                return False
            head = f.read(n)
        meta = safetensors_metadata(n.to_bytes(8, "little") + head)
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return False
    return meta.get("format") == MODEL_FORMAT


class Newest(NamedTuple):
    """The newest digitnet model of a folder (None if it has none), and the files passed over:
    every ``.safetensors`` there that is not a digitnet model (another program's, or damaged)."""

    path: Path | None
    skipped: list[Path]


def newest_model(folder: str | os.PathLike | None = None) -> Newest:
    """The most recently written digitnet model in ``folder`` (default: the models folder)."""
    folder = Path(folder) if folder is not None else models_dir()
    found: list[tuple[float, Path]] = []
    with contextlib.suppress(OSError):  # no folder yet: no models
        for p in folder.glob("*" + MODEL_SUFFIX):
            with contextlib.suppress(OSError):  # deleted meanwhile
                found.append((p.stat().st_mtime, p))
    skipped: list[Path] = []
    for _, path in sorted(found, reverse=True):
        if is_digitnet_model(path):
            return Newest(path, skipped)
        skipped.append(path)
    return Newest(None, skipped)


def unused_model_path(folder: str | os.PathLike, stem: str) -> Path:
    """``<folder>/<stem>.safetensors``, or if that name is taken the first free one of
    ``<stem>-2.safetensors``, ``<stem>-3.safetensors``, …: a new file, never one already there."""
    folder = Path(folder)
    path, n = folder / (stem + MODEL_SUFFIX), 1
    while path.exists() or path.is_symlink():
        n += 1
        path = folder / f"{stem}-{n}{MODEL_SUFFIX}"
    return path


def model_path(name: str | os.PathLike) -> Path:
    """A model given by path, or by its name in the models folder (``video`` or
    ``video.safetensors``). A path that exists wins; a name that matches nothing is returned
    as given, so that loading it says "no such model file" about what the user typed."""
    path = Path(name)
    if path.exists() or path.parent != Path("."):
        return path
    folder = models_dir()
    for candidate in (folder / path.name, folder / (path.name + MODEL_SUFFIX)):
        if candidate.is_file():
            return candidate
    return path


def writable_file(path: str | os.PathLike) -> Path:
    """Check that a file can be written where asked, before any long work starts."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise SettingError(f"{path} is a folder; give a file name")
    if not folder.is_dir():
        raise SettingError(f"folder {folder} does not exist")
    try:  # really try: os.access says yes to root, even on a read-only file system
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise SettingError(f"cannot write to folder {folder} ({e.strerror or e})") from None
    return path


def output_folder(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Make a folder for pictures and tables, or say in one line why it cannot be used."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise SettingError(f"{flag} {path} is a file; give a folder")
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK):
        raise SettingError(f"cannot write to folder {path}")
    return path
