"""Parsers: idx files (plain or gzip) and the CIFAR "python version" pickle tarballs."""

from __future__ import annotations

import codecs
import gzip
import io
import pickle
import struct
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from actlab.data.errors import FormatError

try:  # NumPy >= 2 (and the forward-compatible stub in 1.26)
    from numpy._core.multiarray import _reconstruct
except ImportError:  # pragma: no cover - older NumPy
    from numpy.core.multiarray import _reconstruct  # type: ignore[no-redef]

IDX_UBYTE = 0x08

# --- idx ---------------------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """A file's bytes, gunzipped when its name ends in ``.gz``."""
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise FormatError(f"{path}: not a complete gzip file ({exc})") from exc


def parse_idx(raw: bytes, origin: Path | str = "<bytes>") -> np.ndarray:
    """The uint8 array stored in idx bytes (magic 0x0000 08 NDIM, big-endian dims, data)."""
    if len(raw) < 4 or raw[0] or raw[1] or raw[2] != IDX_UBYTE or not 1 <= raw[3] <= 4:
        raise FormatError(f"{origin}: not an unsigned-byte idx file (magic {raw[:4].hex()})")
    ndim = raw[3]
    offset = 4 + 4 * ndim
    if len(raw) < offset:
        raise FormatError(f"{origin}: idx header is truncated")
    dims = struct.unpack(f">{ndim}I", raw[4:offset])
    expected = offset + int(np.prod(dims, dtype=np.int64))
    if len(raw) != expected:
        raise FormatError(f"{origin}: idx file has {len(raw)} bytes, its header says {expected}")
    return np.frombuffer(raw, np.uint8, offset=offset).reshape(dims).copy()


def read_idx_images(path: Path) -> np.ndarray:
    """(N, H, W, 1) uint8 images from an idx3 file."""
    array = parse_idx(read_bytes(path), path)
    if array.ndim != 3:
        raise FormatError(f"{path}: expected 3-d idx images, got shape {array.shape}")
    return array[..., np.newaxis]


def read_idx_labels(path: Path, num_classes: int) -> np.ndarray:
    """(N,) int64 labels from an idx1 file, each in ``[0, num_classes)``."""
    array = parse_idx(read_bytes(path), path)
    if array.ndim != 1:
        raise FormatError(f"{path}: expected 1-d idx labels, got shape {array.shape}")
    return _labels(array, num_classes, path)


def read_idx_split(images: Path, labels: Path, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Matching (images, labels) from a pair of idx files."""
    x, y = read_idx_images(images), read_idx_labels(labels, num_classes)
    if len(x) != len(y):
        raise FormatError(f"{images} has {len(x)} images but {labels} has {len(y)} labels")
    return x, y


def _labels(values: Any, num_classes: int, origin: Path | str) -> np.ndarray:
    labels = np.asarray(values, dtype=np.int64).reshape(-1)
    if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise FormatError(f"{origin}: labels outside [0, {num_classes})")
    return labels


# --- CIFAR -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CifarLayout:
    """Member names and keys of one CIFAR python tarball."""

    folder: str
    train: tuple[str, ...]
    test: tuple[str, ...]
    meta: str
    label_key: str
    names_key: str


CIFAR10 = CifarLayout(
    folder="cifar-10-batches-py",
    train=tuple(f"data_batch_{i}" for i in range(1, 6)),
    test=("test_batch",),
    meta="batches.meta",
    label_key="labels",
    names_key="label_names",
)
CIFAR100 = CifarLayout(
    folder="cifar-100-python",
    train=("train",),
    test=("test",),
    meta="meta",
    label_key="fine_labels",
    names_key="fine_label_names",
)

CifarArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles dicts, lists and NumPy arrays only: nothing in a tarball can run code."""

    ALLOWED: ClassVar[dict[tuple[str, str], Any]] = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("_codecs", "encode"): codecs.encode,  # bytes in pickles written by Python 3, protocol 2
    }

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}") from None


def unpickle(raw: bytes, origin: str) -> dict[str, Any]:
    """A CIFAR pickle (written by Python 2) as a dict with str keys."""
    try:
        obj = _ArrayUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
        raise FormatError(f"{origin}: not a CIFAR pickle ({exc})") from exc
    if not isinstance(obj, dict):
        raise FormatError(f"{origin}: expected a dict, got {type(obj).__name__}")
    return {_text(k): v for k, v in obj.items()}


def read_cifar_members(path: Path, layout: CifarLayout) -> dict[str, dict[str, Any]]:
    """The unpickled train, test and meta members of a CIFAR tarball, read in one pass."""
    wanted = {f"{layout.folder}/{m}" for m in (*layout.train, *layout.test, layout.meta)}
    members: dict[str, dict[str, Any]] = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for info in tar:
                if info.name in wanted and info.isfile():
                    raw = tar.extractfile(info).read()  # type: ignore[union-attr]
                    members[info.name.rsplit("/", 1)[1]] = unpickle(raw, f"{path}:{info.name}")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise FormatError(f"{path}: not a readable CIFAR tarball ({exc})") from exc
    lost = sorted(w for w in wanted if w.rsplit("/", 1)[1] not in members)
    if lost:
        raise FormatError(f"{path}: missing members {', '.join(lost)}")
    return members


def read_cifar(path: Path, layout: CifarLayout) -> CifarArrays:
    """(x_train, y_train, x_test, y_test, class_names) from a CIFAR python tarball."""
    members = read_cifar_members(path, layout)
    names = tuple(_text(n) for n in members[layout.meta][layout.names_key])
    x_train, y_train = _cifar_batches(members, layout.train, layout, len(names), path)
    x_test, y_test = _cifar_batches(members, layout.test, layout, len(names), path)
    return x_train, y_train, x_test, y_test, names


def _cifar_batches(
    members: dict[str, dict[str, Any]],
    batches: tuple[str, ...],
    layout: CifarLayout,
    num_classes: int,
    path: Path,
) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for batch in batches:
        origin = f"{path}:{layout.folder}/{batch}"
        member = members[batch]
        if "data" not in member or layout.label_key not in member:
            raise FormatError(f"{origin}: lacks 'data' or {layout.label_key!r}")
        xs.append(_cifar_images(member["data"], origin))
        ys.append(_labels(member[layout.label_key], num_classes, origin))
        if len(xs[-1]) != len(ys[-1]):
            raise FormatError(f"{origin}: {len(xs[-1])} images but {len(ys[-1])} labels")
    return np.concatenate(xs), np.concatenate(ys)


def _cifar_images(data: Any, origin: str) -> np.ndarray:
    """(N, 3072) channel-major rows as (N, 32, 32, 3) uint8."""
    array = np.asarray(data)
    if array.dtype != np.uint8 or array.ndim != 2 or array.shape[1] != 3 * 32 * 32:
        raise FormatError(f"{origin}: expected uint8 (N, 3072) data, got {array.shape}")
    return np.ascontiguousarray(array.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
