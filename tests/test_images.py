"""User images → MNIST-style inputs: the recipe, the file edge cases, the round trip to pictures.

Every image is synthesised in tmp_path with Pillow; nothing is downloaded.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image, ImageDraw

from digitnet.images import (
    MAX_FILE_BYTES,
    MAX_PIXELS,
    ImageError,
    image_to_input,
    load_image,
    to_mnist,
    to_picture,
)

INDEX = np.arange(28)


def draw_one(
    size: tuple[int, int] = (200, 300), ink: object = 0, paper: object = 255, mode: str = "L"
) -> Image.Image:
    """A thick handwritten-looking "1": a long stroke and a flag, scaled to `size` (w, h)."""
    w, h = size
    im = Image.new(mode, size, paper)
    draw = ImageDraw.Draw(im)
    stroke = max(1, round(0.08 * w))
    draw.line([(0.5 * w, 0.15 * h), (0.5 * w, 0.85 * h)], fill=ink, width=stroke)
    draw.line([(0.5 * w, 0.15 * h), (0.35 * w, 0.3 * h)], fill=ink, width=stroke)
    return im


def save(im: Image.Image, path: Path, **kwargs: object) -> Path:
    im.save(path, **kwargs)
    return path


def centre_of_mass(x: np.ndarray) -> tuple[float, float]:
    """Intensity-weighted centre (row, column) of a 28×28 image, in pixel indices."""
    x = x.reshape(28, 28)
    return (x.sum(axis=1) @ INDEX / x.sum(), x.sum(axis=0) @ INDEX / x.sum())


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that declares width×height 1-bit pixels but carries almost no data: a bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grayscale
    idat = zlib.compress(b"\0" * 64)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
def reference(tmp_path: Path) -> np.ndarray:
    """The MNIST-style input of a black "1" on white paper, to compare other encodings with."""
    return image_to_input(save(draw_one(), tmp_path / "one.png"))


# --- the MNIST recipe -------------------------------------------------------------------------


def test_drawn_digit_becomes_mnist_style_input(reference: np.ndarray) -> None:
    x = reference
    assert x.shape == (784,) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() == 1.0
    rows = np.flatnonzero(x.reshape(28, 28).any(axis=1))
    cols = np.flatnonzero(x.reshape(28, 28).any(axis=0))
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) == 20  # longer side → 20 px
    cy, cx = centre_of_mass(x)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1
    # white ink on black: the border of the canvas is empty
    assert x.reshape(28, 28)[[0, -1]].max() == 0 and x.reshape(28, 28)[:, [0, -1]].max() == 0


def test_polarity_is_detected_from_the_border(tmp_path: Path, reference: np.ndarray) -> None:
    white_on_black = image_to_input(save(draw_one(ink=255, paper=0), tmp_path / "wb.png"))
    np.testing.assert_allclose(white_on_black, reference, atol=1e-6)
    gray = load_image(tmp_path / "one.png")
    np.testing.assert_array_equal(to_mnist(gray, invert=True), reference)


def test_mnist_digit_passes_through_almost_unchanged() -> None:
    # an MNIST-like "9": a thick loop and a stem anti-aliased into a 20-high box, placed in
    # 28×28 with its centre of mass on (14, 14) as MNIST's own digits are
    big = Image.new("L", (140, 200), 0)
    draw = ImageDraw.Draw(big)
    draw.ellipse([0, 0, 139, 110], outline=255, width=26)
    draw.line([(126, 55), (100, 199)], fill=255, width=26)
    digit = np.asarray(big.resize((14, 20), Image.Resampling.BOX), dtype=np.float64) / 255
    cy, cx = (digit.sum(axis=1) @ np.arange(20), digit.sum(axis=0) @ np.arange(14)) / digit.sum()
    top, left = round(14 - cy), round(14 - cx)
    mnist = np.zeros((28, 28))
    mnist[top : top + 20, left : left + 14] = digit
    assert correlation(to_mnist(mnist), mnist) > 0.95


def test_drawing_at_web_sizes_agree() -> None:
    # the browser sends its 280×280 canvas, or the canvas already reduced to 28×28
    big = np.asarray(draw_one((280, 280), ink=255, paper=0), dtype=np.float64) / 255
    small = np.asarray(
        Image.fromarray(big.astype(np.float32)).resize((28, 28), Image.Resampling.BOX)
    )
    assert correlation(to_mnist(big), to_mnist(np.clip(small, 0, 1))) > 0.9


@pytest.mark.parametrize("size", [(200, 300), (1500, 2000)])
def test_grainy_grey_scan_matches_clean_paper(size: tuple[int, int]) -> None:
    clean = np.asarray(draw_one(size), dtype=np.float64) / 255
    noise = np.random.default_rng(0).normal(0.0, 0.05, clean.shape)
    scan = np.clip(0.15 + 0.65 * clean + noise, 0, 1)  # grey paper at 0.8, ink at 0.15
    x, ref = to_mnist(scan).reshape(28, 28), to_mnist(clean).reshape(28, 28)
    # the grain must not stretch the ink's box: same box, up to the 1-pixel rounding of the
    # centring, so compare at the best shift of at most one pixel
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    assert max(correlation(np.roll(x, s, axis=(0, 1)), ref) for s in shifts) > 0.98


def test_dust_speck_away_from_the_digit_is_ignored() -> None:
    clean = np.asarray(draw_one((1000, 1500)), dtype=np.float64) / 255
    dusty = clean.copy()
    dusty[1400:1403, 900:903] = 0.0  # a 3×3 black speck in the bottom-right corner
    np.testing.assert_array_equal(to_mnist(dusty), to_mnist(clean))


@pytest.mark.parametrize(
    "gray",
    [
        np.zeros((30, 20)),
        np.ones((30, 20)),
        np.full((5, 5), 0.7),
        np.zeros((1, 1)),
        np.ones((1, 1)),
    ],
    ids=["black", "white", "grey", "1x1-black", "1x1-white"],
)
def test_blank_image_gives_zeros(gray: np.ndarray) -> None:
    x = to_mnist(gray)
    assert x.shape == (784,) and x.dtype == np.float32 and not x.any()


def test_blank_noisy_paper_gives_zeros() -> None:
    paper = np.clip(np.random.default_rng(1).normal(0.9, 0.02, (100, 80)), 0, 1)
    assert not to_mnist(paper).any()


def test_to_mnist_leaves_the_callers_array_alone() -> None:
    gray = np.asarray(draw_one(), dtype=np.float64) / 255
    before = gray.copy()
    to_mnist(gray)
    np.testing.assert_array_equal(gray, before)


@pytest.mark.parametrize(
    ("gray", "message"),
    [
        (np.zeros((2, 2, 3)), "2-D"),
        (np.zeros((0, 5)), "2-D"),
        (np.array([[0.0, np.nan]]), "NaN"),
        (np.array([[0.0, 255.0]]), r"\[0, 1\]"),
    ],
)
def test_to_mnist_refuses_bad_arrays(gray: np.ndarray, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        to_mnist(gray)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 40)),
        elements=st.floats(0.0, 1.0),
    ),
    st.sampled_from([None, True, False]),
)
def test_to_mnist_output_is_always_a_valid_input(gray: np.ndarray, invert: bool | None) -> None:
    x = to_mnist(gray, invert=invert)
    assert x.shape == (784,) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert x.max() == 1.0 or not x.any()


# --- decoding files ---------------------------------------------------------------------------


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="nope.png: no such file"):
        load_image(tmp_path / "nope.png")


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not a file"):
        load_image(tmp_path)


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageError, match="empty.png: empty file"):
        load_image(tmp_path / "empty.png")


def test_text_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture, just words\n")
    with pytest.raises(ImageError, match="notes.png: not an image"):
        load_image(tmp_path / "notes.png")


def test_truncated_png_is_refused(tmp_path: Path) -> None:
    noise = np.random.default_rng(2).integers(0, 256, (200, 200), dtype=np.uint8)
    data = save(Image.fromarray(noise), tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match="cut.png: cannot decode") as caught:
        load_image(tmp_path / "cut.png")
    assert "\n" not in str(caught.value)


def test_file_over_the_byte_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ImageError, match="huge.png: file too large"):
        load_image(path)


@pytest.mark.parametrize("side", [4097, 10000, 20000])  # ours, Pillow's warning, its error
def test_decompression_bomb_is_refused_by_its_header(tmp_path: Path, side: int) -> None:
    assert side * side > MAX_PIXELS
    path = png_header_only(tmp_path / "bomb.png", side, side)
    assert path.stat().st_size < 1000
    with pytest.raises(ImageError, match="bomb.png: (image too large|refused as a decompression)"):
        load_image(path)


def test_image_at_the_pixel_limit_is_accepted(tmp_path: Path) -> None:
    path = save(Image.new("1", (4096, 16), 1), tmp_path / "wide.png")
    assert load_image(path).shape == (16, 4096)


def test_16_bit_png_uses_the_full_range(tmp_path: Path) -> None:
    levels = np.array([[0, 16384, 32768, 65535]], dtype=np.uint16)
    path = save(Image.fromarray(levels), tmp_path / "deep.png")
    np.testing.assert_allclose(load_image(path), levels / 65535)


def test_16_bit_digit_matches_8_bit(tmp_path: Path, reference: np.ndarray) -> None:
    deep = (np.asarray(draw_one(), dtype=np.uint16) * 257).astype(np.uint16)
    x = image_to_input(save(Image.fromarray(deep), tmp_path / "deep.png"))
    np.testing.assert_allclose(x, reference, atol=1e-5)


def test_cmyk_jpeg_becomes_grey(tmp_path: Path, reference: np.ndarray) -> None:
    im = draw_one(ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="CMYK")
    path = save(im, tmp_path / "print.jpg", quality=95)
    assert Image.open(path).mode == "CMYK"
    gray = load_image(path)
    assert gray[0, 0] > 0.95 and gray[150, 100] < 0.05  # paper white, ink black
    assert correlation(image_to_input(path), reference) > 0.95


@pytest.mark.parametrize("suffix", ["png", "gif", "bmp", "tiff", "webp"])
def test_palette_and_other_formats_decode_to_the_same_grey(tmp_path: Path, suffix: str) -> None:
    one = draw_one()
    im = one.convert("P") if suffix in ("png", "gif") else one
    kwargs = {"lossless": True} if suffix == "webp" else {}
    gray = load_image(save(im, tmp_path / f"one.{suffix}", **kwargs))
    np.testing.assert_allclose(gray, np.asarray(one) / 255, atol=1 / 255)


@pytest.mark.parametrize(
    ("mode", "ink", "clear"),
    [
        ("RGBA", (0, 0, 0, 255), (0, 0, 0, 0)),  # black ink, transparent black page
        ("RGBA", (255, 255, 255, 255), (0, 0, 0, 0)),  # white ink (a typical canvas)
        ("RGBA", (255, 255, 255, 255), (255, 255, 255, 0)),  # white ink, transparent white
        ("LA", (0, 255), (255, 0)),  # black ink, transparent white
    ],
    ids=["rgba-black-ink", "rgba-white-ink", "rgba-white-ink-white-clear", "la-black-ink"],
)
def test_transparent_background_keeps_the_ink(
    tmp_path: Path, reference: np.ndarray, mode: str, ink: tuple, clear: tuple
) -> None:
    path = save(draw_one(ink=ink, paper=clear, mode=mode), tmp_path / "clear.png")
    np.testing.assert_allclose(image_to_input(path), reference, atol=1e-5)


def test_palette_with_transparent_index_keeps_the_ink(
    tmp_path: Path, reference: np.ndarray
) -> None:
    im = draw_one(ink=1, paper=0, mode="P")
    im.putpalette([0, 0, 0, 0, 0, 0])  # both black; index 0 (the page) transparent
    path = save(im, tmp_path / "clear.gif", transparency=0)
    np.testing.assert_allclose(image_to_input(path), reference, atol=1e-5)


def test_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    first = draw_one()
    second = Image.new("L", first.size, 255)
    ImageDraw.Draw(second).rectangle([20, 140, 180, 160], fill=0)
    path = save(first, tmp_path / "anim.gif", save_all=True, append_images=[second], duration=100)
    assert Image.open(path).n_frames == 2
    np.testing.assert_allclose(load_image(path), np.asarray(first) / 255, atol=1 / 255)


@pytest.mark.parametrize("colour", [0, 255])
def test_one_pixel_image_is_blank(tmp_path: Path, colour: int) -> None:
    path = save(Image.new("L", (1, 1), colour), tmp_path / "dot.png")
    assert load_image(path).shape == (1, 1)
    assert not image_to_input(path).any()


@pytest.mark.parametrize("size", [(10000, 10), (10, 10000)])
def test_one_pixel_thin_line_does_not_crash(tmp_path: Path, size: tuple[int, int]) -> None:
    im = Image.new("L", size, 255)
    w, h = size
    ImageDraw.Draw(im).line(
        [(0, h // 2), (w - 1, h // 2)] if w > h else [(w // 2, 0), (w // 2, h - 1)]
    )
    x = image_to_input(save(im, tmp_path / "line.png")).reshape(28, 28)
    rows, cols = np.flatnonzero(x.any(axis=1)), np.flatnonzero(x.any(axis=0))
    long, short = (cols, rows) if w > h else (rows, cols)
    assert x.max() == 1.0 and len(long) == 20 and len(short) <= 2


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    im = Image.new("L", (20, 30), 255)  # stored 20 wide, 30 tall
    im.putpixel((0, 0), 0)  # a mark at the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    gray = load_image(save(im, tmp_path / "phone.png", exif=exif))
    assert gray.shape == (20, 30)  # displayed 30 wide, 20 tall
    assert gray[0, -1] == 0.0  # the mark is now at the top-right


# --- back to pictures -------------------------------------------------------------------------


def test_to_picture_round_trips(reference: np.ndarray) -> None:
    picture = to_picture(reference)
    assert picture.mode == "L" and picture.size == (28, 28)
    np.testing.assert_allclose(np.asarray(picture).ravel() / 255, reference, atol=0.5 / 255 + 1e-7)
    big = np.asarray(to_picture(reference.reshape(28, 28), scale=3))
    assert big.shape == (84, 84)
    np.testing.assert_array_equal(big[::3, ::3], np.asarray(picture))
    np.testing.assert_array_equal(big[2::3, 2::3], np.asarray(picture))


@pytest.mark.parametrize(
    ("x", "scale", "message"),
    [
        (np.zeros(100), 1, "784"),
        (np.zeros((28, 28)), 0, "scale"),
        (np.zeros(784), 1.5, "scale"),
        (np.zeros(784), True, "scale"),
    ],
)
def test_to_picture_refuses_bad_arguments(x: np.ndarray, scale: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_picture(x, scale)


# ---- hostile cases ----------------------------------------------------------------------
# Damaged image files of every format Pillow writes, and float / 32-bit images with odd values.
#
# tests/test_images.py covers the named cases (zero bytes, a bomb, 16-bit, CMYK, GIF, 1×1, …);
# here each format is cut short and byte-flipped: the answer is a valid input or an ImageError.


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
