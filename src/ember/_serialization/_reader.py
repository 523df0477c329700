"""Read PyTorch's zip checkpoints (written by PyTorch or by ember) without PyTorch.

``data.pkl`` is unpickled by a subclass of the C Unpickler whose ``find_class`` maps torch's
globals to ember's rebuild functions. With ``weights_only=True`` every other global is refused
before anything is looked up, so a crafted file cannot run code.
"""
from __future__ import annotations

import collections
import io
import mmap as _mmap
import pickle
import pickletools
import struct
import warnings
import zipfile
import zlib

import numpy as np

from .. import _dtype
from . import _format
from ._rebuild import (PARAMETER_CLASS, TENSOR_CLASS, Rebuilder, Storage, StorageType,
                       ember_dtype_for)

_CHUNK = 1 << 24


def _torch_globals(rb: Rebuilder) -> dict:
    """(module, name) -> object, for the torch names a weights-only checkpoint may hold."""
    table = {
        ("torch._utils", "_rebuild_tensor_v2"): rb.rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor_v3"): rb.rebuild_tensor_v3,
        ("torch._utils", "_rebuild_tensor"): rb.rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): rb.rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): rb.rebuild_parameter_with_state,
        ("torch._tensor", "_rebuild_from_type_v2"): rb.rebuild_from_type_v2,
        ("torch", "Size"): rb.size,
        ("torch", "device"): rb.device,
        ("torch", "Tensor"): TENSOR_CLASS,
        ("torch.nn.parameter", "Parameter"): PARAMETER_CLASS,
        ("torch.nn", "Parameter"): PARAMETER_CLASS,
        ("torch.storage", "UntypedStorage"): StorageType("UntypedStorage", None),
        ("torch", "UntypedStorage"): StorageType("UntypedStorage", None),
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("_codecs", "encode"): rb.encode,
    }
    for dtype_name, storage in _format.STORAGE_OF_DTYPE.items():
        table["torch", storage] = StorageType(storage, dtype_name)
        table["torch", dtype_name] = _dtype._BY_NAME[dtype_name]
    for storage, dtype_name in _format.UNSUPPORTED_STORAGES.items():
        table["torch", storage] = StorageType(storage, dtype_name)
    for alias, dtype_name in _format.DTYPE_ALIASES.items():
        table["torch", alias] = _dtype._BY_NAME[dtype_name]
    for builtin in ("set", "frozenset", "complex", "slice"):
        for module in ("builtins", "__builtin__"):
            table[module, builtin] = getattr(__import__("builtins"), builtin)
    return table


def refused_global_error(module: str, name: str) -> pickle.UnpicklingError:
    full = f"{module}.{name}"
    return pickle.UnpicklingError(
        "Weights only load failed. The file names the global "
        f"{full}, which is not on ember's allow-list, so nothing in it was run. If you trust "
        "where the file came from, there are two ways forward:\n"
        "\t(1) load it with `ember.load(f, weights_only=False)`: this runs arbitrary pickled "
        "code, so do it only for files from a trusted source (a whole saved nn.Module needs "
        "this);\n"
        f"\t(2) allow just this global: `ember.serialization.add_safe_globals([{name}])` or the "
        f"`ember.serialization.safe_globals([{name}])` context manager, then load with "
        "weights_only=True.\n"
        f"WeightsUnpickler error: Unsupported global: GLOBAL {full} was not an allowed global "
        "by default.")


class _Archive:
    """The records of one checkpoint: ``data.pkl``, the storages, the byte order."""

    def __init__(self, fileobj, mmap_buffer=None):
        self.zf = zipfile.ZipFile(fileobj)
        self.mm = mmap_buffer
        names = self.zf.namelist()
        if any(n.endswith("/constants.pkl") for n in names):
            raise RuntimeError("ember.load: this is a TorchScript archive (torch.jit.save); ember "
                               "reads only torch.save checkpoints")
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise RuntimeError("ember.load: the zip archive has no '<folder>/data.pkl' record, so "
                               "it is not a torch.save checkpoint")
        self.prefix = pkl[0][: -len("data.pkl")]
        order = self._optional("byteorder", b"little")
        if order not in (b"little", b"big"):
            raise RuntimeError(f"ember.load: unknown byteorder record {order[:20]!r}")
        self.big_endian = order == b"big"

    def _optional(self, name: str, default: bytes) -> bytes:
        try:
            info = self.zf.getinfo(self.prefix + name)
        except KeyError:
            return default
        if info.file_size > 64:
            raise RuntimeError(f"ember.load: the '{name}' record is {info.file_size} bytes; the "
                               "file is corrupt")
        return self.zf.read(info)

    def pickle_bytes(self) -> bytes:
        return self.zf.read(self.prefix + "data.pkl")

    def storage_bytes(self, key: str, nbytes: int) -> np.ndarray:
        name = f"{self.prefix}data/{key}"
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise pickle.UnpicklingError(f"ember.load: the checkpoint names storage '{key}' but "
                                         f"has no record '{name}'; the file is corrupt") from None
        if info.file_size != nbytes:
            raise pickle.UnpicklingError(
                f"ember.load: storage '{key}' should hold {nbytes} bytes but its record holds "
                f"{info.file_size}; the file is corrupt")
        if self.mm is not None:
            return self._mapped(info)
        buf = np.empty(nbytes, dtype=np.uint8)
        if info.compress_type == zipfile.ZIP_STORED and hasattr(self.zf.fp, "readinto"):
            self._read_stored(info, buf)
        else:
            self._read_via_zipfile(info, buf)
        return buf

    def _data_start(self, info: zipfile.ZipInfo, head: bytes) -> int:
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for '{info.filename}'")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + name_len + extra_len

    def _read_stored(self, info: zipfile.ZipInfo, buf: np.ndarray) -> None:
        """One read straight into the array, then the CRC check zipfile would have made."""
        fp = self.zf.fp
        fp.seek(info.header_offset)
        fp.seek(self._data_start(info, fp.read(30)))
        got = fp.readinto(memoryview(buf))
        if got != buf.size:
            raise EOFError(f"record '{info.filename}' ends after {got} of {buf.size} bytes")
        if zlib.crc32(buf) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file '{info.filename}'")

    def _read_via_zipfile(self, info: zipfile.ZipInfo, buf: np.ndarray) -> None:
        view, pos, nbytes = memoryview(buf), 0, buf.size
        with self.zf.open(info) as f:
            while pos < nbytes:
                data = f.read(min(_CHUNK, nbytes - pos))
                if not data:
                    raise EOFError(f"record '{info.filename}' ends early")
                view[pos:pos + len(data)] = data
                pos += len(data)
            f.read(1)  # reach the end so zipfile checks the CRC

    def _mapped(self, info: zipfile.ZipInfo) -> np.ndarray:
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"ember.load(mmap=True): record '{info.filename}' is compressed; "
                               "memory-mapping needs stored records")
        start = self._data_start(info, self.mm[info.header_offset:info.header_offset + 30])
        if start + info.file_size > len(self.mm):
            raise RuntimeError(f"ember.load: record '{info.filename}' runs past the end of file")
        return np.frombuffer(self.mm, dtype=np.uint8, count=info.file_size, offset=start)


class _CheckpointUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, archive: _Archive, map_location, weights_only: bool,
                 extra_globals: dict):
        super().__init__(io.BytesIO(data))
        self.archive = archive
        self.map_location = map_location
        self.weights_only = weights_only
        self.table = _torch_globals(Rebuilder(archive.big_endian))
        self.extra = extra_globals
        self.storages: dict = {}

    def find_class(self, module, name):
        key = (module, name)
        if key in self.table:
            return self.table[key]
        if key in self.extra:
            return self.extra[key]
        if module == "torch" and name in _format.UNSUPPORTED_DTYPES:
            ember_dtype_for(name)  # raises the clear "ember has no such dtype" error
        if self.weights_only:
            raise refused_global_error(module, name)
        if module == "torch" or module.startswith("torch."):
            return _ember_counterpart(module, name)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"ember.load: unsupported persistent id {pid!r:.80}")
        _, stype, key, location, numel = pid
        if not isinstance(stype, StorageType) or type(key) is not str \
                or type(location) is not str or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"ember.load: malformed storage record {pid!r:.80}")
        cached = self.storages.get(key)
        if cached is not None:
            return cached
        if stype.dtype_name is None:
            nbytes = numel
        else:
            nbytes = numel * ember_dtype_for(stype.dtype_name).itemsize
        storage = Storage(self.archive.storage_bytes(key, nbytes), stype.dtype_name, location)
        try:
            storage = _restore_location(storage, location, self.map_location)
        except Exception as e:  # the caller's map_location decided: not a corrupt file
            raise _Passthrough(e) from e
        self.storages[key] = storage
        return storage


def _ember_counterpart(module: str, name: str):
    """A torch class named by a full pickle (weights_only=False): its ember namesake."""
    import importlib
    ember_module = "ember" + module[len("torch"):]
    try:
        return getattr(importlib.import_module(ember_module), name)
    except (ImportError, AttributeError):
        raise pickle.UnpicklingError(
            f"ember.load: the file names {module}.{name}, which has no ember counterpart "
            f"({ember_module}.{name}); save a state_dict in PyTorch instead") from None


def _check_cpu(location: str, where: str) -> None:
    if location.split(":")[0] != "cpu":
        raise RuntimeError(
            f"Attempting to deserialize object on device '{location}' ({where}), but ember only "
            "has the CPU. Use ember.load with map_location='cpu' (or "
            "map_location=ember.device('cpu')) to map your storages to the CPU.")


def _restore_location(storage: Storage, location: str, map_location) -> Storage:
    from .._device import device
    if map_location is None:
        _check_cpu(location, "saved location")
    elif isinstance(map_location, (str, device)):
        _check_cpu(str(device(map_location)), "map_location")
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
        _check_cpu(str(target), "map_location")
    elif callable(map_location):
        result = map_location(storage, location)
        if result is None:
            _check_cpu(location, "saved location")
        elif not isinstance(result, Storage):
            raise TypeError("ember.load: map_location callable must return the storage it was "
                            f"given or None, got {type(result).__name__}")
        else:
            storage = result
    else:
        raise TypeError("map_location must be None, a str, an ember.device, a dict or a "
                        f"callable, got {type(map_location).__name__}")
    storage.device = "cpu"
    return storage


_MEMO_PUTS = {"PUT", "BINPUT", "LONG_BINPUT"}


def _check_memo_indices(data: bytes) -> None:
    """Refuse memo indices larger than the stream: the C unpickler would grow its memo table to
    the index (a 4-byte index is 32 GiB of pointers) before anything else could stop it."""
    limit = len(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd escapes in a protocol-0 string are the file's
        for op, arg, _ in pickletools.genops(data):
            if op.name in _MEMO_PUTS and (not isinstance(arg, int) or arg > limit):
                raise pickle.UnpicklingError(
                    f"ember.load: data.pkl stores memo entry {arg!r:.30} in a {limit}-byte "
                    "stream; the file is corrupt or crafted")


class _Passthrough(Exception):
    """Carries an error that must reach the caller unchanged through the unpickler."""


_CORRUPT = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error,
            KeyError, IndexError, TypeError, AttributeError, OverflowError, NotImplementedError,
            UnicodeDecodeError, MemoryError, RecursionError, OSError)


def read_archive(fileobj, map_location, weights_only: bool, extra_globals: dict,
                 mmap_buffer=None):
    """Load the object stored in the open checkpoint ``fileobj``."""
    try:
        archive = _Archive(fileobj, mmap_buffer)
        data = archive.pickle_bytes()
    except _CORRUPT as e:
        raise RuntimeError(f"ember.load: the file is not a readable PyTorch checkpoint "
                           f"(zip archive): {type(e).__name__}: {e}") from e
    unpickler = _CheckpointUnpickler(data, archive, map_location, weights_only, extra_globals)
    try:
        _check_memo_indices(data)
        return unpickler.load()
    except _Passthrough as e:
        raise e.__cause__ from None
    except pickle.UnpicklingError:
        raise
    except (RuntimeError, *_CORRUPT) as e:
        if not weights_only:
            raise
        raise pickle.UnpicklingError(f"ember.load: the checkpoint's data.pkl is corrupt or "
                                     f"malformed: {type(e).__name__}: {e}") from e


def open_mmap(path):
    with open(path, "rb") as f:
        return _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_COPY)
