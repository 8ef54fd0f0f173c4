"""Small fabricated dataset files (idx, CIFAR tarballs) and a local HTTP server for the tests."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import tarfile
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from actlab.data import published

MNIST_FILES = published.MNIST_FILES


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def idx_bytes(array: np.ndarray) -> bytes:
    """idx encoding of a uint8 array."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


@dataclass
class FakeIdx:
    """Four tiny idx files standing in for an MNIST-style dataset."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    gz: dict[str, bytes] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def make(cls, seed: int = 0, n_train: int = 12, n_test: int = 5, size: int = 6) -> FakeIdx:
        rng = np.random.default_rng(seed)
        fake = cls(
            x_train=rng.integers(0, 256, (n_train, size, size), dtype=np.uint8),
            y_train=rng.integers(0, 10, n_train).astype(np.uint8),
            x_test=rng.integers(0, 256, (n_test, size, size), dtype=np.uint8),
            y_test=rng.integers(0, 10, n_test).astype(np.uint8),
        )
        arrays = (fake.x_train, fake.y_train, fake.x_test, fake.y_test)
        for name, array in zip(MNIST_FILES, arrays, strict=True):
            fake.raw[name] = idx_bytes(array)
            fake.gz[name] = gzip.compress(fake.raw[name], mtime=0)
        return fake

    def pin(self, monkeypatch, dataset: str = "mnist") -> None:
        """Make these files the pinned ones for `dataset`."""
        monkeypatch.setitem(published.SHA256, dataset, {n: sha256(self.gz[n]) for n in self.gz})
        monkeypatch.setitem(published.RAW_SHA256, dataset, {})

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.gz.items():
            (folder / name).write_bytes(data)
        return folder


def cifar_pickle(obj: dict) -> bytes:
    """Pickle a dict the way the CIFAR files were written (by Python 2)."""
    return py2_pickle(obj)


def cifar_tarball(members: dict[str, bytes]) -> bytes:
    """A .tar.gz holding `members` (name -> bytes)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def cifar_rows(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 3072), dtype=np.uint8)


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        name = self.path.rsplit("/", 1)[-1]
        if name in self.server.cut:
            body = (Path(self.directory) / self.path.lstrip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


class FileServer:
    """http.server on 127.0.0.1 serving `root` in a thread; records request paths."""

    def __init__(self, root: Path):
        self.root = root
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
        self.httpd.requests = []
        self.httpd.cut = set()
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def cut(self, name: str) -> None:
        """Send only half of `name`'s body, then close the connection."""
        self.httpd.cut.add(name)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def py2_pickle(obj) -> bytes:
    """`obj` pickled the way Python 2 wrote the CIFAR files (protocol 2, str as BINSTRING).

    Handles dicts, lists, tuples, str/bytes, ints, None, False and 2-d uint8 arrays.
    """
    return b"\x80\x02" + _py2(obj) + b"."


def _py2(obj) -> bytes:
    if isinstance(obj, dict):
        return b"}(" + b"".join(_py2(k) + _py2(v) for k, v in obj.items()) + b"u"
    if isinstance(obj, list):
        return b"](" + b"".join(map(_py2, obj)) + b"e"
    if isinstance(obj, tuple):
        return b"(" + b"".join(map(_py2, obj)) + b"t"
    if isinstance(obj, str):
        obj = obj.encode()
    if isinstance(obj, bytes):
        if len(obj) < 256:
            return b"U" + bytes([len(obj)]) + obj
        return b"T" + struct.pack("<i", len(obj)) + obj
    if obj is None:
        return b"N"
    if obj is False:
        return b"\x89"
    if isinstance(obj, int):
        return b"J" + struct.pack("<i", obj)
    if isinstance(obj, np.ndarray) and obj.dtype == np.uint8:
        return _py2_array(obj)
    raise TypeError(type(obj))


def _py2_array(array: np.ndarray) -> bytes:
    reconstruct = b"cnumpy.core.multiarray\n_reconstruct\n"
    new = reconstruct + b"cnumpy\nndarray\n" + _py2((0,)) + _py2("b") + b"\x87R"
    dtype = b"cnumpy\ndtype\n" + _py2(("u1", 0, 1)) + b"R"
    dtype += _py2((3, "|", None, None, None, -1, -1, 0)) + b"b"
    state = b"(" + _py2(1) + _py2(array.shape) + dtype + _py2(False)
    state += _py2(np.ascontiguousarray(array).tobytes()) + b"t"
    return new + state + b"b"
