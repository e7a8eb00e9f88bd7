"""What every layer needs from the disk: atomic writes, the models folder and what is in it.

A write goes to a temp file beside its target and is renamed over it, so a reader sees the old
file or the new one, never half of either; temp files left by killed writes are cleared later.
Nothing here knows what a network is: a model file is recognised by its metadata alone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from .errors import SettingError

STALE_TEMP_S = 3600  # a temp file untouched this long was left by a write that was killed
MODEL_SUFFIX = ".safetensors"


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


# A model file holds at most network.MAX_PARAMS weights and biases, twice (the momentum kept
# for resuming) in float64: 160 MB; the rest leaves room for the metadata (history, settings).
MAX_MODEL_BYTES = 256 * 2**20


class NotAModelFile(ValueError):
    """A path that cannot hold a model: a special file, a folder, or larger than any model."""


def what_file(mode: int) -> str:
    """A file's kind from its stat mode, in words: 'a FIFO (named pipe)', 'a folder', …"""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((words for is_kind, words in kinds if is_kind(mode)), "not a regular file")


def model_file_problem(st: os.stat_result) -> str | None:
    """Why a file with this stat cannot be a model (None if it can): what it is, or its size."""
    if not stat.S_ISREG(st.st_mode):
        return f"is {what_file(st.st_mode)}, not a model file"
    if st.st_size > MAX_MODEL_BYTES:
        return (
            f"is {st.st_size / 2**20:,.0f} MiB, larger than any digitnet model "
            f"(at most {MAX_MODEL_BYTES // 2**20} MiB)"
        )
    return None


def read_model_bytes(path: str | os.PathLike) -> bytes:
    """A model file's bytes, once its kind and size are known to fit (stat, then read).

    Never blocks on a FIFO, never reads a device or a file over MAX_MODEL_BYTES: NotAModelFile
    says what the file is. A missing file raises FileNotFoundError, as open does.
    """
    problem = model_file_problem(os.stat(path))  # follows links: the file they point to
    if problem is None:  # opened without blocking, and checked again: it may have been swapped
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as f:
            problem = model_file_problem(os.fstat(fd))
            if problem is None:
                data = f.read(MAX_MODEL_BYTES + 1)
                if len(data) <= MAX_MODEL_BYTES:
                    return data
                problem = model_file_problem(os.fstat(fd)) or "is larger than any digitnet model"
    raise NotAModelFile(problem)


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


class Skipped(NamedTuple):
    """A ``.safetensors`` entry of the models folder passed over, and why."""

    path: Path
    reason: str


def model_files(folder: str | os.PathLike | None = None) -> tuple[list[Path], list[Skipped]]:
    """The ``.safetensors`` regular files of ``folder`` (default: the models folder), newest
    first, and the entries passed over: special files (FIFOs, devices, folders), broken links,
    links to files outside the folder, files too large for a model. Nothing is opened: stat only.
    """
    folder = Path(folder) if folder is not None else models_dir()
    found: list[tuple[float, str, Path]] = []
    skipped: list[Skipped] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:  # no folder yet: no models
        return [], []
    inside = folder.resolve()
    for entry in entries:
        if not entry.name.endswith(MODEL_SUFFIX):
            continue
        path, link = Path(entry.path), False
        try:
            link = entry.is_symlink()
            if link and Path(os.path.realpath(path)).parent != inside:
                skipped.append(Skipped(path, "a link to a file outside the models folder"))
                continue
            st = os.stat(path)
        except FileNotFoundError:
            if link:
                skipped.append(Skipped(path, "a broken link"))
            continue  # else: deleted meanwhile
        except OSError as e:
            skipped.append(Skipped(path, f"cannot be read ({e.strerror or e})"))
            continue
        problem = model_file_problem(st)
        if problem is not None:
            skipped.append(Skipped(path, problem))
        else:
            found.append((-st.st_mtime, entry.name, path))
    return [path for *_, path in sorted(found)], skipped


class Claim:
    """A new model's name, held by this process until ``release``: an exclusive lock on a hidden
    ``.<name>.lock`` beside it. Another process's claim passes over a name held or taken;
    the lock goes with the process (kill -9 included), and the lock file with ``release``."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        """Let the name go (the model written there by now keeps it); twice is harmless."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):  # the lock file stays if it is no longer ours
            if os.fstat(fd).st_ino == os.stat(_lock_file(self.path)).st_ino:
                os.unlink(_lock_file(self.path))
        os.close(fd)


def _lock_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _lock(path: Path) -> int | None:
    """An exclusive lock on ``path``'s lock file (its descriptor), or None if another holds it."""
    while True:
        fd = os.open(_lock_file(path), os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        with contextlib.suppress(FileNotFoundError):
            if os.fstat(fd).st_ino == os.stat(_lock_file(path)).st_ino:
                return fd
        os.close(fd)  # its holder released it (and unlinked it) meanwhile: lock the new one


def claim_new_model(folder: str | os.PathLike, stem: str) -> Claim:
    """Claim ``<folder>/<stem>.safetensors``, or if that name is taken or claimed the first free
    one of ``<stem>-2.safetensors``, ``<stem>-3.safetensors``, …: a new file, never one already
    there, and never the one another process running now chose."""
    folder = Path(folder)
    n = 1
    while True:
        path = folder / ((f"{stem}-{n}" if n > 1 else stem) + MODEL_SUFFIX)
        if not (path.exists() or path.is_symlink()) and (fd := _lock(path)) is not None:
            claim = Claim(path, fd)
            if not (path.exists() or path.is_symlink()):  # written before the lock was ours
                return claim
            claim.release()
        n += 1


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
