"""files.py: atomic writes that leave the old file or the new one, the models folder, its newest
digitnet model (other .safetensors passed over and named), and models named by path or name."""

from __future__ import annotations

import os
import stat
import time

import pytest

from digitnet.files import (
    atomic_write_bytes,
    is_digitnet_model,
    model_path,
    models_dir,
    newest_model,
)
from digitnet.modelfile import ModelFile, save_model
from digitnet.network import Network


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
    assert found.path == new and found.skipped == [junk, foreign]
    assert is_digitnet_model(old) and not is_digitnet_model(foreign)
    assert not is_digitnet_model(tmp_path / "missing.safetensors")


def test_no_models_folder_means_no_model(tmp_path):
    assert newest_model(tmp_path / "none") == (None, [])


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
