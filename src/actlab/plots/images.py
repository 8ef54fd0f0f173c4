"""Article 002's pictures: test images with predicted labels, and first-layer weights as images.

Each picture is one mosaic image in one axes (fast even for hundreds of tiles); labels,
mistake bars and unit numbers are drawn over it in pixel coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from actlab.plots.style import new_figure, plain_text

MISTAKE_COLOR = "cornflowerblue"  # article 002's bar over a wrong prediction
MISTAKE_TEXT_COLOR = "crimson"
#: Inches of figure per tile.
TILE_INCHES = 0.85


def prediction_grid(
    images: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    class_names: Sequence[str] | None = None,
    count: int = 96,
    columns: int = 12,
    title: str | None = None,
) -> Figure:
    """The first `count` test images, each with its predicted label; mistakes carry a bar.

    `images` are uint8 (N, H, W, C) as ``actlab.data.load(...).x_test``; grey images are
    drawn dark on white as in article 002. The predicted label is written under each image; a
    wrong prediction gets article 002's blue bar across the top of its image and a red label
    with the true one. Class names that are not just the class numbers are listed below.
    """
    count = min(int(count), len(images), len(y_true), len(y_pred))
    if count < 1:
        raise ValueError("no images to draw")
    tiles = _display_images(np.asarray(images[:count]))
    height, width = tiles.shape[1:3]
    mosaic, origins = _mosaic(tiles, columns, pad=max(1, height // 10),
                              bottom=max(4, round(height * 0.4)), fill=1.0)  # fmt: skip
    figure, ax = _mosaic_figure(columns, len(origins), tile_height=1.15)
    ax.imshow(mosaic, interpolation="nearest")
    wrong = 0
    for (top, left), truth, predicted in zip(origins, y_true[:count], y_pred[:count],
                                             strict=True):  # fmt: skip
        mistake = int(truth) != int(predicted)
        wrong += mistake
        _label_prediction(ax, top, left, height, width, int(truth), int(predicted), mistake)
    _class_key(figure, class_names)
    figure.suptitle(title or (
        f"First {count} test images with predicted labels; a blue bar marks a mistake "
        f"({wrong} of {count} wrong)"))  # fmt: skip
    return figure


def first_layer_weights(
    model: keras.Model,
    *,
    max_units: int = 32,
    columns: int = 8,
    title: str | None = None,
) -> Figure:
    """The first Dense or Conv layer's weights, one image per unit (article 002's second picture).

    For a Dense layer fed by the flattened input, each unit's weight vector is reshaped to the
    input image's shape; for a convolution each filter is drawn. Grey images: black =
    positive, white = negative, one shared scale (colour bar); RGB filters: mid-grey = 0.
    """
    layer = first_weighted_layer(model)
    tiles, description = _weight_tiles(layer, model)
    tiles = tiles[: int(max_units)]
    limit = float(np.max(np.abs(tiles))) or 1.0
    height = tiles.shape[1]
    columns = min(columns, len(tiles))
    mosaic, origins = _mosaic(tiles, columns, pad=max(1, height // 8), top=max(2, height // 3),
                              fill=np.nan)  # fmt: skip
    figure, ax = _mosaic_figure(columns, len(origins), tile_height=1.2)
    if tiles.shape[-1] == 1:
        cmap = colormaps["gray_r"].with_extremes(bad="white")
        image = ax.imshow(mosaic[..., 0], cmap=cmap, vmin=-limit, vmax=limit,
                          interpolation="nearest")  # fmt: skip
        colorbar = figure.colorbar(image, ax=ax, shrink=0.8)
        colorbar.set_label("weight")
    else:
        rgb = np.clip(0.5 + mosaic / (2 * limit), 0.0, 1.0)
        ax.imshow(np.where(np.isnan(rgb), 1.0, rgb), interpolation="nearest")
    for unit, (top, left) in enumerate(origins):
        ax.text(left, top - 0.5, str(unit), ha="left", va="bottom", fontsize="small")
    shown = f"{len(tiles)} units" if len(tiles) > 1 else "1 unit"
    scale = "black = positive, white = negative" if tiles.shape[-1] == 1 else "grey = 0"
    figure.suptitle(title or plain_text(
        f"First {type(layer).__name__} layer '{layer.name}': {description}\n"
        f"({shown} shown; {scale})"
    ))  # fmt: skip
    return figure


def first_weighted_layer(model: keras.Model) -> keras.layers.Layer:
    """The first Dense or convolution layer of `model`, looking inside nested models."""
    kinds = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
    for layer in _walk(model):
        if isinstance(layer, kinds) and getattr(layer, "kernel", None) is not None:
            return layer
    raise ValueError(f"model {model.name!r} has no Dense or Conv layer with weights")


def _walk(model):
    for layer in getattr(model, "layers", []):
        yield layer
        if isinstance(layer, keras.Model):
            yield from _walk(layer)


def _weight_tiles(layer, model) -> tuple[np.ndarray, str]:
    """Per unit, an (H, W, C) image of its weights, and a description of what they are."""
    kernel = np.asarray(keras.ops.convert_to_numpy(layer.kernel), dtype=np.float64)
    if isinstance(layer, keras.layers.Dense):
        return _dense_tiles(kernel, model)
    if kernel.ndim != 4:
        raise ValueError(f"{type(layer).__name__} kernels of shape {kernel.shape} are not images")
    height, width, channels, filters = kernel.shape
    tiles = np.moveaxis(kernel, -1, 0)
    return _as_image_channels(tiles), f"{filters} filters of {height}×{width}×{channels}"


def _dense_tiles(kernel: np.ndarray, model) -> tuple[np.ndarray, str]:
    shape = tuple(int(d) for d in model.input_shape[1:])
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3 or math.prod(shape) != kernel.shape[0]:
        raise ValueError(
            f"the first Dense layer has {kernel.shape[0]} inputs, which are not the model's "
            f"input image {model.input_shape[1:]}; its weights cannot be drawn as images"
        )
    tiles = kernel.T.reshape(kernel.shape[1], *shape)
    height, width, _ = shape
    return _as_image_channels(tiles), f"each unit's weights as a {height}×{width} image"


def _as_image_channels(tiles: np.ndarray) -> np.ndarray:
    """(N, H, W, C) with C 1 or 3: other channel counts are averaged to one."""
    if tiles.shape[-1] in (1, 3):
        return tiles
    return tiles.mean(axis=-1, keepdims=True)


def _display_images(images: np.ndarray) -> np.ndarray:
    """uint8 images as floats in [0, 1], RGB; grey ones inverted (dark ink on white)."""
    if images.ndim == 3:
        images = images[..., np.newaxis]
    scaled = images.astype(np.float64) / 255.0
    if scaled.shape[-1] == 1:
        return np.repeat(1.0 - scaled, 3, axis=-1)
    return scaled[..., :3]


def _mosaic(
    tiles: np.ndarray,
    columns: int,
    *,
    pad: int,
    fill: float,
    top: int | None = None,
    bottom: int | None = None,
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Tiles (N, H, W, C) in rows of `columns` with `pad` pixels around each (`top`/`bottom`
    where given), and each tile's (top, left) pixel in the mosaic."""
    count, height, width, channels = tiles.shape
    top = pad if top is None else top
    bottom = pad if bottom is None else bottom
    rows = math.ceil(count / columns)
    cell_h, cell_w = top + height + bottom, width + 2 * pad
    mosaic = np.full((rows * cell_h, columns * cell_w, channels), fill, dtype=np.float64)
    origins = []
    for index in range(count):
        row, column = divmod(index, columns)
        y, x = row * cell_h + top, column * cell_w + pad
        mosaic[y : y + height, x : x + width] = tiles[index]
        origins.append((y, x))
    return mosaic, origins


def _mosaic_figure(columns: int, count: int, tile_height: float) -> tuple[Figure, Axes]:
    rows = math.ceil(count / columns)
    figure = new_figure(columns * TILE_INCHES + 1.2, rows * TILE_INCHES * tile_height + 1.0)
    ax = figure.subplots()
    ax.set_axis_off()
    return figure, ax


def _label_prediction(ax, top, left, height, width, truth, predicted, mistake) -> None:
    """The predicted label under the image; a mistake adds the bar and the true label."""
    below, centre = top + height, left + (width - 1) / 2
    color = MISTAKE_TEXT_COLOR if mistake else "black"
    text = f"{predicted} (true {truth})" if mistake else str(predicted)
    ax.text(centre, below, text, ha="center", va="top", fontsize=8 if mistake else 9,
            color=color, fontweight="bold" * mistake or "normal")  # fmt: skip
    if mistake:
        bar_y = top + max(0.5, height * 0.04)
        ax.plot([left - 0.5, left + width - 0.5], [bar_y, bar_y], color=MISTAKE_COLOR,
                linewidth=4, solid_capstyle="butt")  # fmt: skip


def _class_key(figure: Figure, class_names: Sequence[str] | None) -> None:
    names = [str(name) for name in (class_names or [])]
    if not names or all(name == str(index) for index, name in enumerate(names)):
        return
    key = ", ".join(f"{index} {plain_text(name)}" for index, name in enumerate(names))
    figure.supxlabel(f"classes: {key}", fontsize="small")
