"""Damaged image files of every format Pillow writes, and float / 32-bit images with odd values.

tests/test_images.py covers the named cases (zero bytes, a bomb, 16-bit, CMYK, GIF, 1×1, …);
here each format is cut short and byte-flipped: the answer is a valid input or an ImageError.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitnet.images import ImageError, image_to_input

pytest_plugins = ("hardening_tally",)

FORMATS = {
    "png": ("PNG", {}),
    "jpeg": ("JPEG", {}),
    "gif": ("GIF", {}),
    "bmp": ("BMP", {}),
    "tiff-lzw": ("TIFF", {"compression": "tiff_lzw"}),
    "webp": ("WEBP", {}),
}


def a_zero() -> Image.Image:
    im = Image.new("L", (60, 80), 255)
    ImageDraw.Draw(im).ellipse([10, 10, 50, 70], outline=0, width=6)
    return im


def encoded(im: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def valid_input_or_image_error(path: Path) -> bool:
    """True if the file read as a valid network input; False if refused with ImageError."""
    try:
        x = image_to_input(path)
    except ImageError as e:
        assert "\n" not in str(e)
        return False
    assert x.shape == (784,) and x.dtype == np.float32
    assert np.all(np.isfinite(x)) and x.min() >= 0 and x.max() <= 1
    return True


@pytest.mark.filterwarnings("ignore:.*(EXIF|Tag data|too many entries):UserWarning")  # Pillow's
@pytest.mark.parametrize("name", list(FORMATS))
def test_cut_and_flipped_image_files_give_an_input_or_an_image_error(tmp_path, name, tally):
    fmt, kwargs = FORMATS[name]
    blob = encoded(a_zero(), fmt, **kwargs)
    rng = np.random.default_rng(len(blob))
    cases = [blob[:n] for n in range(1, len(blob), max(1, len(blob) // 25))]
    for pos in rng.choice(len(blob), size=40):
        damaged = bytearray(blob)
        damaged[pos] ^= int(rng.integers(1, 256))
        cases.append(bytes(damaged))
    path = tmp_path / f"digit.{name}"
    path.write_bytes(blob)
    assert valid_input_or_image_error(path)  # the undamaged file reads
    read = 0
    for case in cases:
        path.write_bytes(case)
        read += valid_input_or_image_error(path)
    assert read < len(cases)  # and at least the cut files are refused
    tally.fuzz(f"image file cut or flipped ({name})", len(cases))


def test_float_tiff_with_nan_and_infinities_reads_as_finite_input(tmp_path, tally):
    gray = np.asarray(a_zero(), dtype=np.float32) / 255
    clean = tmp_path / "clean.tiff"
    clean.write_bytes(encoded(Image.fromarray(gray, "F"), "TIFF"))
    gray[0, 0], gray[1, 1], gray[2, 2], gray[40, 30] = np.nan, np.inf, -np.inf, np.inf
    path = tmp_path / "float.tiff"
    path.write_bytes(encoded(Image.fromarray(gray, "F"), "TIFF"))
    assert valid_input_or_image_error(path)
    x, expected = image_to_input(path), image_to_input(clean)
    assert np.corrcoef(x, expected)[0, 1] > 0.9  # stray pixels neither wipe out nor move the 0
    tally.bad_input("image with NaN and infinite pixels")


def test_32_bit_tiff_with_negative_values_reads_as_valid_input(tmp_path, tally):
    values = (np.asarray(a_zero(), dtype=np.int32) - 128) * 1000
    path = tmp_path / "int.tiff"
    path.write_bytes(encoded(Image.fromarray(values, "I"), "TIFF"))
    assert valid_input_or_image_error(path)
    tally.bad_input("image with negative 32-bit pixels")
