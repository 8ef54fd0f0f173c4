"""Finding a dataset's files on disk, verifying them, and downloading them into the cache.

Lookup order for each dataset, first complete set wins: ``data_dir`` → ``$ACTLAB_DATA_DIR`` →
system dataset folders (``SYSTEM_ROOTS``) → the user cache → download into the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import BinaryIO
from urllib.request import Request, urlopen

from actlab.data import published
from actlab.data.errors import ChecksumError, DataNotFoundError, DownloadError

ENV_DATA_DIR = "ACTLAB_DATA_DIR"
ENV_MIRROR = "ACTLAB_DATA_MIRROR"
SYSTEM_ROOTS: tuple[Path, ...] = (Path("/usr/share/datasets"), Path("/usr/local/share/datasets"))
TIMEOUT_S = 60.0
DOWNLOAD_ATTEMPTS = 2
CHUNK = 1 << 20
USER_AGENT = "actlab-data/0.1"


@dataclass(frozen=True)
class Located:
    """The verified files of a dataset (in `published.files` order) and where they came from."""

    paths: tuple[Path, ...]
    source: str


# --- where to look -----------------------------------------------------------------------------


def cache_dir(dataset: str) -> Path:
    """``$XDG_CACHE_HOME/actlab/<dataset>``, or ``~/.cache/actlab/<dataset>``."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "actlab" / dataset


def search_dirs(dataset: str, data_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Folders searched before the cache, in order (a root is tried with and without subfolder)."""
    roots = [Path(data_dir)] if data_dir is not None else []
    if os.environ.get(ENV_DATA_DIR):
        roots.append(Path(os.environ[ENV_DATA_DIR]))
    subfolders = dict.fromkeys([dataset, published.SYSTEM_FOLDERS.get(dataset, dataset)])
    dirs = [root.expanduser() / sub for root in roots for sub in [*subfolders, ""]]
    dirs += [root / published.SYSTEM_FOLDERS.get(dataset, dataset) for root in SYSTEM_ROOTS]
    return list(dict.fromkeys(dirs))


def candidates(folder: Path, dataset: str, name: str) -> list[Path]:
    """Paths `name` may have in `folder`: as published, or extracted when its payload is pinned."""
    found = [folder / name]
    if name.endswith(".gz") and published.raw_sha256(dataset, name):
        found.append(folder / name.removesuffix(".gz"))
    return found


def find(folder: Path, dataset: str, name: str) -> Path | None:
    """The first existing candidate of `name` in `folder`."""
    return next((p for p in candidates(folder, dataset, name) if p.is_file()), None)


def find_all(folder: Path, dataset: str) -> tuple[Path, ...] | None:
    """Every file of `dataset` in `folder`, or None when any is missing."""
    paths = tuple(find(folder, dataset, name) for name in published.files(dataset))
    return None if None in paths else paths  # type: ignore[return-value]


# --- checksums ---------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    with open(path, "rb") as f:
        return _sha256_stream(f)


def sha256_gunzipped(path: Path) -> str | None:
    """Hex SHA-256 of a gzip file's payload, or None when it does not decompress."""
    try:
        with gzip.open(path, "rb") as f:
            return _sha256_stream(f)
    except (OSError, EOFError, zlib.error):
        return None


def _sha256_stream(f: io.BufferedIOBase) -> str:
    digest = hashlib.sha256()
    while chunk := f.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def mismatch(path: Path, dataset: str, name: str) -> str | None:
    """None when `path` holds the pinned content of `name`, else the SHA-256 it has."""
    actual = sha256_file(path)
    if path.name == name and actual == published.sha256(dataset, name):
        return None
    raw = published.raw_sha256(dataset, name)
    if raw is None:
        return actual
    payload = sha256_gunzipped(path) if path.name.endswith(".gz") else actual
    return None if payload == raw else actual


def checksum_error(path: Path, dataset: str, name: str, actual: str, hint: str) -> ChecksumError:
    expected = published.sha256(dataset, name)
    return ChecksumError(
        f"{path}: checksum mismatch for {dataset} file {name} (SHA-256 {actual}, pinned "
        f"{expected}); the file is corrupted, truncated or not the published one. {hint}",
        path,
        expected,
        actual,
    )


# --- resolving ---------------------------------------------------------------------------------


def locate(
    dataset: str,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    mirror: str | None = None,
) -> Located:
    """Verified local paths of every file of `dataset`, downloading missing ones if allowed."""
    for folder in search_dirs(dataset, data_dir):
        paths = find_all(folder, dataset)
        if paths is not None:
            _verify_all(paths, dataset, "Replace it with the published file, or delete it.")
            return Located(paths, _source(paths, folder))
    return _from_cache(dataset, data_dir, download, mirror)


def _verify_all(paths: tuple[Path, ...], dataset: str, hint: str) -> None:
    for path, name in zip(paths, published.files(dataset), strict=True):
        actual = mismatch(path, dataset, name)
        if actual is not None:
            raise checksum_error(path, dataset, name, actual, hint)


def _from_cache(
    dataset: str, data_dir: str | os.PathLike[str] | None, download: bool, mirror: str | None
) -> Located:
    folder = cache_dir(dataset)
    found = {name: _cached(folder, dataset, name, download) for name in published.files(dataset)}
    missing = [name for name, path in found.items() if path is None]
    if missing and not download:
        raise _not_found(dataset, missing, data_dir, mirror)
    base = mirror_url(dataset, mirror)
    for i, name in enumerate(missing):
        found[name] = _download_missing(dataset, name, base, missing[i:])
    paths = tuple(p for p in found.values() if p is not None)
    if missing and len(missing) == len(paths):  # all of it came from the mirror just now
        return Located(paths, base + missing[0] if len(paths) == 1 else base)
    return Located(paths, _source(paths, folder))


def _cached(folder: Path, dataset: str, name: str, download: bool) -> Path | None:
    """The verified cached copy of `name`; a corrupted one is deleted when it can be re-fetched."""
    path = find(folder, dataset, name)
    if path is None:
        return None
    actual = mismatch(path, dataset, name)
    if actual is None:
        return path
    if download:
        path.unlink()
        return None
    hint = "Delete it, or re-run with download=True to fetch it again."
    raise checksum_error(path, dataset, name, actual, hint)


def _download_missing(dataset: str, name: str, base: str, missing: list[str]) -> Path:
    """Download `name` into the cache; on failure, say which files are still `missing`."""
    folder = cache_dir(dataset)
    try:
        return download(base + name, folder / name, published.sha256(dataset, name))
    except DownloadError as exc:
        raise DownloadError(
            f"{dataset}: {exc} Missing files: {', '.join(missing)}. Download them from {base} "
            f"yourself and put them in {folder} (or in a folder passed as data_dir= or named by "
            f"${ENV_DATA_DIR}).",
            missing,
            folder,
        ) from exc


def _not_found(
    dataset: str, missing: list[str], data_dir: str | os.PathLike[str] | None, mirror: str | None
) -> DataNotFoundError:
    folder = cache_dir(dataset)
    looked = ", ".join(str(d) for d in [*search_dirs(dataset, data_dir), folder])
    return DataNotFoundError(
        f"{dataset}: files not found: {', '.join(missing)}. Looked in: {looked}. Put them in "
        f"{folder} (or in a folder passed as data_dir= or named by ${ENV_DATA_DIR}), or call "
        f"load({dataset!r}, download=True) to download them from {mirror_url(dataset, mirror)}.",
        missing,
        folder,
    )


def _source(paths: tuple[Path, ...], folder: Path) -> str:
    return str(paths[0]) if len(paths) == 1 else str(folder)


# --- downloading -------------------------------------------------------------------------------


def mirror_url(dataset: str, mirror: str | None = None) -> str:
    """Base URL of `dataset`'s files: `mirror`, else ``$ACTLAB_DATA_MIRROR/<dataset>/``, else
    ``published.MIRRORS``. Always ends with a slash."""
    if mirror:
        base = mirror
    elif os.environ.get(ENV_MIRROR):
        base = os.environ[ENV_MIRROR].rstrip("/") + f"/{dataset}"
    else:
        base = published.MIRRORS[dataset]
    return base.rstrip("/") + "/"


def download(url: str, dest: Path, expected: str) -> Path:
    """Fetch `url` into `dest` atomically if its SHA-256 is `expected` (one retry on mismatch).

    The bytes go to a temporary file beside `dest`, which replaces `dest` only once verified;
    nothing is left behind otherwise.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    actual = ""
    for _ in range(DOWNLOAD_ATTEMPTS):
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                actual = _fetch(url, out, dest.name)
                out.flush()
                os.fsync(out.fileno())
            if actual == expected:
                os.replace(tmp, dest)
                return dest
        finally:
            tmp.unlink(missing_ok=True)
    raise ChecksumError(
        f"{dest.name}: downloaded from {url} {DOWNLOAD_ATTEMPTS} times but its SHA-256 {actual} "
        f"is not the pinned {expected}; nothing was saved to {dest.parent}. The server sent a "
        "corrupted, truncated or different file.",
        dest,
        expected,
        actual,
    )


def _fetch(url: str, out: BinaryIO, label: str) -> str:
    """Stream `url` into `out`, showing progress on a terminal; return the SHA-256."""
    digest, size = hashlib.sha256(), 0
    with _open(url) as resp:
        total = int(resp.headers.get("Content-Length") or 0) or None
        for chunk in _progress(_chunks(resp, url), total, label):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    if total is not None and size != total:
        raise DownloadError(
            f"could not download {url} (connection closed after {size} of {total} bytes)."
        )
    return digest.hexdigest()


def _open(url: str):
    try:
        return urlopen(Request(url, headers={"User-Agent": USER_AGENT}), timeout=TIMEOUT_S)
    except (OSError, HTTPException) as exc:
        raise _download_error(url, exc) from exc


def _chunks(resp: BinaryIO, url: str) -> Iterator[bytes]:
    """The response body in chunks; network failures become `DownloadError`."""
    while True:
        try:
            chunk = resp.read(CHUNK)
        except (OSError, HTTPException) as exc:
            raise _download_error(url, exc) from exc
        if not chunk:
            return
        yield chunk


def _download_error(url: str, exc: BaseException) -> DownloadError:
    return DownloadError(f"could not download {url} ({_reason(exc)}).")


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "reason", None) or exc) or type(exc).__name__


def _progress(chunks: Iterator[bytes], total: int | None, label: str) -> Iterator[bytes]:
    """Pass `chunks` through, drawing a Rich progress bar when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from chunks
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"downloading {label}", total=total)
        for chunk in chunks:
            bar.advance(task, len(chunk))
            yield chunk
