"""Any user image → an MNIST-style 28×28 input, made the way MNIST itself was made.

Decoding (Pillow) refuses what is unsafe or unreadable with a one-line `ImageError`; the
MNIST recipe (crop to the ink, longer side to 20 px, centre of mass to the centre) is NumPy.
No deskewing, no stroke thickening, no splitting of several digits: one image, one digit.
"""

from __future__ import annotations

import os
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 4096 * 4096  # refuse larger images by their header size, before decoding
MAX_FILE_BYTES = 32 * 1024 * 1024

SIDE = 28  # MNIST canvas
BOX = 20  # the digit's longer side inside the canvas
INK_THRESHOLD = 0.1  # fraction of the brightest ink that counts as ink for the bounding box
MIN_CONTRAST = 0.1  # ink fainter than this against the paper is noise: the image is blank
COARSE = 100  # side of the reduced view that finds the ink's box in large, grainy images

_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


class ImageError(ValueError):
    """One-line, user-facing message."""


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Decode any image file (first frame, EXIF-upright) to 2-D float64 grayscale in [0, 1]."""
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: " + ("not a file" if path.exists() else "no such file"))
    size = path.stat().st_size
    if size == 0:
        raise ImageError(f"{path}: empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise ImageError(f"{path}: file too large ({size:,} bytes, at most {MAX_FILE_BYTES:,})")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as im:
                width, height = im.size  # from the header: nothing decoded yet
                if width * height > MAX_PIXELS:
                    pixels = f"{width}×{height} pixels, at most {MAX_PIXELS:,} in all"
                    raise ImageError(f"{path}: image too large ({pixels})")
                im.seek(0)  # first frame of an animation
                im.load()
                return _to_gray(ImageOps.exif_transpose(im))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise ImageError(f"{path}: refused as a decompression bomb ({e})") from e
        except ImageError:
            raise
        except UnidentifiedImageError as e:
            raise ImageError(f"{path}: not an image Pillow can read") from e
        except _DECODE_ERRORS as e:
            raise ImageError(f"{path}: cannot decode the image, truncated or corrupt ({e})") from e


def _to_gray(im: Image.Image) -> np.ndarray:
    """A decoded Pillow image → (h, w) float64 luminance in [0, 1]."""
    if im.mode.startswith("I;16") or im.mode == "I":
        a = np.asarray(im, dtype=np.float64)  # 16-bit PNG and TIFF: full range is 65535
        return np.clip(a / max(65535.0, a.max()), 0.0, 1.0)
    if im.mode == "F":
        a = np.array(im, dtype=np.float64)
        bad = ~np.isfinite(a)
        if bad.any():  # a stray NaN or ±inf takes the paper's (median) value: no speck of ink,
            a[bad] = np.median(a[~bad]) if not bad.all() else 0.0  # and no digit scaled away
        return np.clip(a / max(1.0, a.max()), 0.0, 1.0)
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info:
        return _composite(im.convert("RGBA"))
    if im.mode not in ("L", "1", "P", "RGB", "CMYK", "YCbCr"):
        im = im.convert("RGB")
    return np.asarray(im.convert("L"), dtype=np.float64) / 255.0


def _composite(rgba: Image.Image) -> np.ndarray:
    """Flatten transparency onto the paper that contrasts with the (opaque) ink.

    Dark ink on a transparent page goes onto white, light ink onto black: the alpha-weighted
    mean luminance of the image says which, so neither kind of drawing vanishes.
    """
    lum = np.asarray(rgba.convert("L"), dtype=np.float64) / 255.0
    alpha = np.asarray(rgba.getchannel("A"), dtype=np.float64) / 255.0
    weight = alpha.sum()
    ink_is_light = weight > 0 and (lum * alpha).sum() / weight > 0.5
    paper = 0.0 if ink_is_light else 1.0
    return lum * alpha + paper * (1.0 - alpha)


def to_mnist(gray: np.ndarray, *, invert: bool | None = None) -> np.ndarray:
    """A 2-D grayscale array in [0, 1] (any size) → (784,) float32 in [0, 1], white ink on black.

    invert: True for dark ink on light paper, False for light ink on dark, None to decide from
    the border (light border → light paper). A blank image gives all zeros.
    """
    g = _check_gray(gray)
    if invert is None:
        invert = bool(np.median(_border(g)) > 0.5)
    ink = _remove_paper(1.0 - g if invert else g)
    blank = np.zeros(SIDE * SIDE, dtype=np.float32)
    if ink.max() < MIN_CONTRAST:
        return blank
    digit = _fit_box(_crop_to_ink(ink))
    mass = digit.sum()
    if mass <= 0:
        return blank
    canvas = _centre_by_mass(digit, mass)
    return (canvas / canvas.max()).astype(np.float32).ravel()  # brightest pixel = 1


def _check_gray(gray: np.ndarray) -> np.ndarray:
    g = np.asarray(gray, dtype=np.float64)
    if g.ndim != 2 or g.size == 0:
        raise ImageError(f"expected a 2-D grayscale array, got shape {g.shape}")
    if not np.isfinite(g).all():
        raise ImageError("grayscale array has NaN or infinite values")
    if g.min() < 0.0 or g.max() > 1.0:
        raise ImageError(f"grayscale values must be in [0, 1], got [{g.min():g}, {g.max():g}]")
    return g


def _border(a: np.ndarray) -> np.ndarray:
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def _remove_paper(ink: np.ndarray) -> np.ndarray:
    """Subtract the paper's level and noise, both read off the border, so paper becomes 0.

    Scanned or photographed paper is grey and grainy: its median is the level, and 3σ of its
    noise (σ ≈ 1.4826·MAD, robust to a stroke crossing the border) is cut too, so the grain
    does not stretch the bounding box to the edges of the image.
    """
    border = _border(ink)
    level = np.median(border)
    noise = 1.4826 * np.median(np.abs(border - level))
    return np.clip(ink - level - 3.0 * noise, 0.0, 1.0)


def _crop_to_ink(ink: np.ndarray) -> np.ndarray:
    """Crop to the bounding box of the ink: pixels above INK_THRESHOLD of the brightest.

    The box is found first on a view reduced k-fold to about COARSE pixels, where leftover
    grain and specks of dust average away, then refined at full size inside that box.
    """
    k = max(1, max(ink.shape) // COARSE)
    (r0, r1), (c0, c1) = _ink_span(np.asarray(Image.fromarray(ink.astype(np.float32)).reduce(k)))
    box = ink[r0 * k : (r1 + 1) * k, c0 * k : (c1 + 1) * k]
    (r0, r1), (c0, c1) = _ink_span(box)
    return box[r0 : r1 + 1, c0 : c1 + 1]


def _ink_span(a: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """(first, last) row and (first, last) column holding ink."""
    mask = a > INK_THRESHOLD * a.max()
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return (rows[0], rows[-1]), (cols[0], cols[-1])


def _fit_box(box: np.ndarray) -> np.ndarray:
    """Scale so the longer side is BOX pixels, keeping the aspect ratio, anti-aliased."""
    h, w = box.shape
    scale = BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # Pillow sizes are (w, h)
    small = Image.fromarray(box.astype(np.float32)).resize(size, Image.Resampling.LANCZOS)
    return np.clip(np.asarray(small, dtype=np.float64), 0.0, 1.0)  # Lanczos lobes overshoot


def _centre_by_mass(digit: np.ndarray, mass: float) -> np.ndarray:
    """Paste into a black SIDE×SIDE canvas with the centre of mass at pixel (14, 14).

    Centre of mass in pixel indices, as MNIST's own (its mean over the test set is 14.0, 14.0);
    the shift is rounded and clamped so the whole box stays on the canvas.
    """
    h, w = digit.shape
    cy = (digit.sum(axis=1) @ np.arange(h)) / mass  # ȳ = Σ y·I(y, x) / Σ I
    cx = (digit.sum(axis=0) @ np.arange(w)) / mass  # x̄ = Σ x·I(y, x) / Σ I
    top = min(max(round(SIDE / 2 - float(cy)), 0), SIDE - h)
    left = min(max(round(SIDE / 2 - float(cx)), 0), SIDE - w)
    canvas = np.zeros((SIDE, SIDE))
    canvas[top : top + h, left : left + w] = digit
    return canvas


def image_to_input(path: str | os.PathLike) -> np.ndarray:
    """Load an image file and make it an MNIST-style input: (784,) float32 in [0, 1]."""
    return to_mnist(load_image(path))


def to_picture(x: np.ndarray, scale: int = 1) -> Image.Image:
    """A (784,) or (28, 28) input in [0, 1] → a grayscale 'L' image, nearest-neighbour upscale."""
    a = np.asarray(x, dtype=np.float64)
    if a.shape not in ((SIDE * SIDE,), (SIDE, SIDE)):
        raise ValueError(f"expected shape (784,) or (28, 28), got {a.shape}")
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    pixels = np.round(np.clip(np.nan_to_num(a), 0.0, 1.0) * 255).astype(np.uint8)
    im = Image.fromarray(pixels.reshape(SIDE, SIDE))
    return im.resize((SIDE * int(scale), SIDE * int(scale)), Image.Resampling.NEAREST)
