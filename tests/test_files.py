"""files.py: atomic writes that leave the old file or the new one, the models folder (regular
files only, checked by stat before any is opened), and models named by path or name."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import time

import pytest

from conftest import watched_fifo
from digitnet.files import (
    MAX_MODEL_BYTES,
    NotAModelFile,
    atomic_write_bytes,
    model_files,
    model_path,
    models_dir,
    read_model_bytes,
)
from digitnet.modelfile import ModelFile, ModelFileError, load_model, newest_model, save_model
from digitnet.network import MAX_PARAMS, Network


def put_model(path, mtime: float):
    save_model(ModelFile(Network([784, 3, 10])), path)
    os.utime(path, (mtime, mtime))
    return path


def test_models_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITNET_MODELS", str(tmp_path / "m"))
    assert models_dir() == tmp_path / "m"
    monkeypatch.delenv("DIGITNET_MODELS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert models_dir() == tmp_path / "data" / "digitnet" / "models"


def test_newest_model_is_the_newest_digitnet_one_and_names_the_others(tmp_path):
    old = put_model(tmp_path / "old.safetensors", 1_000)
    new = put_model(tmp_path / "new.safetensors", 2_000)
    foreign = tmp_path / "foreign.safetensors"  # another program's file, newest of all
    import numpy as np
    from safetensors.numpy import save_file

    save_file({"x": np.zeros(3, np.float32)}, foreign, metadata={"format": "pt"})
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\xff" * 20)
    for path, when in ((foreign, 3_000), (junk, 4_000)):
        os.utime(path, (when, when))
    found = newest_model(tmp_path)
    assert found.path == new and [path for path, _ in found.skipped] == [junk, foreign]
    assert "not a readable safetensors file" in found.skipped[0].reason
    assert "not a digitnet model" in found.skipped[1].reason
    assert model_files(tmp_path)[0] == [junk, foreign, new, old]


def test_a_damaged_newest_model_is_passed_over_and_named(tmp_path):
    put_model(tmp_path / "good.safetensors", 1_000)
    damaged = put_model(tmp_path / "damaged.safetensors", 2_000)
    data = bytearray(damaged.read_bytes())
    data[-1] ^= 0x40  # one bit of the last weight
    damaged.write_bytes(bytes(data))
    os.utime(damaged, (2_000, 2_000))
    found = newest_model(tmp_path)
    assert found.path == tmp_path / "good.safetensors"
    assert found.skipped == [(damaged, "contents do not match their sha256: the file is damaged")]


def sparse_file(path, size: int = 2 * 2**30):
    subprocess.run(["truncate", "-s", str(size), str(path)], check=True)  # no block written
    return path


def test_the_folder_lists_regular_files_only_without_opening_any(tmp_path):
    """A FIFO, a dangling link, links out of the folder (to /dev/zero, to a model elsewhere) and
    a 2 GB sparse file are named and passed over; none is opened, none read."""
    folder = tmp_path / "models"
    folder.mkdir()
    good = put_model(folder / "good.safetensors", 1_000)
    (folder / "same.safetensors").symlink_to("good.safetensors")  # a link inside: a model
    (folder / "gone.safetensors").symlink_to(folder / "deleted.safetensors")
    (folder / "zero.safetensors").symlink_to("/dev/zero")
    (folder / "out.safetensors").symlink_to(put_model(tmp_path / "elsewhere.safetensors", 1))
    (folder / "sub.safetensors").mkdir()
    sparse_file(folder / "huge.safetensors")
    with watched_fifo(folder / "pipe.safetensors") as opened:
        paths, skipped = model_files(folder)
        found = newest_model(folder)
    assert not opened.is_set()
    assert paths == [good, folder / "same.safetensors"]
    assert found.path == good
    reasons = {path.name: reason for path, reason in skipped}
    assert reasons == {
        "gone.safetensors": "a broken link",
        "huge.safetensors": "is 2,048 MiB, larger than any digitnet model (at most 256 MiB)",
        "out.safetensors": "a link to a file outside the models folder",
        "pipe.safetensors": "is a FIFO (named pipe), not a model file",
        "sub.safetensors": "is a folder, not a model file",
        "zero.safetensors": "a link to a file outside the models folder",
    }


def test_a_model_file_is_stat_checked_before_it_is_read(tmp_path):
    """Named outright, a special or huge file is refused by its kind or size, unread: a FIFO
    never blocks, /dev/zero and a 2 GB sparse file are not read into memory."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    huge = sparse_file(tmp_path / "huge.safetensors")
    with pytest.raises(NotAModelFile, match="is 2,048 MiB, larger than any digitnet model"):
        read_model_bytes(huge)
    with pytest.raises(ModelFileError, match=r"huge.safetensors: is 2,048 MiB, larger than"):
        load_model(huge)
    with pytest.raises(ModelFileError, match="is a character device, not a model file"):
        load_model("/dev/zero")
    with watched_fifo(tmp_path / "pipe.safetensors") as opened:
        with pytest.raises(ModelFileError, match=r"is a FIFO \(named pipe\), not a model file"):
            load_model(tmp_path / "pipe.safetensors")
    assert not opened.is_set()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024
    at_limit = sparse_file(tmp_path / "limit.safetensors", MAX_MODEL_BYTES)
    with pytest.raises(ModelFileError, match="not a readable safetensors file"):
        load_model(at_limit)  # the limit itself is allowed: read, then found to be no model


def test_the_size_limit_fits_the_largest_network_digitnet_makes():
    """MAX_PARAMS weights and biases in float64, twice (the momentum), fit MAX_MODEL_BYTES with
    room for the metadata; a larger network is refused before any memory is taken."""
    assert 2 * 8 * MAX_PARAMS + 64 * 2**20 < MAX_MODEL_BYTES
    with pytest.raises(ValueError, match="at most 10,000,000: use smaller layers"):
        Network([784, 5000, 5000, 10])


def test_no_models_folder_means_no_model(tmp_path):
    assert newest_model(tmp_path / "none") == (None, [])
    assert model_files(tmp_path / "none") == ([], [])


def test_a_model_is_named_by_path_or_by_its_name_in_the_models_folder(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv("DIGITNET_MODELS", str(folder))
    video = put_model(folder / "video.safetensors", 1_000)
    assert model_path("video") == video
    assert model_path("video.safetensors") == video
    elsewhere = put_model(tmp_path / "video.safetensors", 1_000)
    monkeypatch.chdir(tmp_path)  # a file here of that name wins over the models folder
    assert model_path("video.safetensors") == elsewhere.relative_to(tmp_path)
    assert model_path("nothing") == type(video)("nothing")  # as given: loading says why
    assert model_path("sub/video") == type(video)("sub/video")  # a path is never a name


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    path.write_bytes(b"old")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(path, b"new contents")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]


def test_a_failed_write_names_the_target_not_the_temp_file(tmp_path):
    path = tmp_path / "m.safetensors"
    (path / "inside").mkdir(parents=True)  # a folder in the way: the rename fails
    with pytest.raises(OSError) as caught:
        atomic_write_bytes(path, b"new")
    assert caught.value.filename == str(path) and ".tmp" not in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "f.bin"
        atomic_write_bytes(path, b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_write_clears_what_killed_writes_left_and_spares_fresh_ones(tmp_path):
    """kill -9 mid-write leaves a hidden temp file; the next write of that file removes it."""
    path = tmp_path / "m.safetensors"
    killed = tmp_path / ".m.safetensors.abc123.tmp"
    under_way = tmp_path / ".m.safetensors.def456.tmp"  # another process writing right now
    other = tmp_path / ".n.safetensors.ghi789.tmp"  # another file's: not this write's business
    for leftover in (killed, under_way, other):
        leftover.write_bytes(b"half a file")
    two_hours_ago = time.time() - 7200
    for old in (killed, other):
        os.utime(old, (two_hours_ago, two_hours_ago))
    atomic_write_bytes(path, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name, under_way.name, other.name]
    )
