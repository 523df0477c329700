"""Write PyTorch's zip checkpoint format: ``data.pkl`` (pickle protocol 2) plus raw storages.

ember never imports torch, so the globals PyTorch's reader expects (``torch._utils.
_rebuild_tensor_v2``, ``torch.FloatStorage``...) are written by name from stand-in objects.
The pure-Python pickler is used because it lets a subclass emit a GLOBAL opcode for a name
that is not importable here; ``data.pkl`` only holds metadata, so its speed does not matter.
"""
from __future__ import annotations

import collections
import io
import os
import pickle
import struct
import sys
import zipfile

import numpy as np

from .. import _device, _dtype
from .._tensor import Size, Tensor
from . import _format, _torch_names as _names
from ._torch_names import SlowPath as _SlowPath, TorchGlobal


REBUILD_V2 = _names.rebuild_tensor_v2
REBUILD_PARAMETER = _names.rebuild_parameter
ORDERED_DICT = collections.OrderedDict
_DTYPE_GLOBALS = {name: TorchGlobal("torch", name, name) for name in _format.STORAGE_OF_DTYPE}


class _StorageRef:
    """One storage record: the bytes of ``array`` (1-D, contiguous), written as ``data/<key>``."""

    __slots__ = ("key", "array", "dtype_name")

    def __init__(self, key: str, array: np.ndarray, dtype_name: str):
        self.key, self.array, self.dtype_name = key, array, dtype_name


def _root(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _view_in(a: np.ndarray, root: np.ndarray):
    """(flat root memory, element offset, element strides) if ``a`` lies inside ``root``, else None."""
    item = a.itemsize
    if a.size == 0 or not (root.flags.c_contiguous or root.flags.f_contiguous):
        return None
    if root.nbytes % item or any(s < 0 or s % item for s in a.strides):
        return None
    offset = a.ctypes.data - root.ctypes.data
    extent = offset + sum((n - 1) * s for n, s in zip(a.shape, a.strides)) + item
    if offset < 0 or offset % item or extent > root.nbytes:
        return None
    flat = root.ravel(order="K").view(np.uint8).view(a.dtype)
    return flat, offset // item, tuple(s // item for s in a.strides)


class _TensorReducer:
    """What both picklers share: tensors become torch's REDUCE calls over shared storages."""

    def _init_storages(self) -> None:
        self.storages: list[_StorageRef] = []
        self._by_root: dict = {}
        self._keep: list = []  # keeps roots alive so their id() stays unique while pickling
        self.used: set = set()  # the stand-ins written, so the fast path can check its rewrite

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            g = _names.STORAGES[obj.dtype_name]
            self.used.add(g)
            return ("storage", g, obj.key, "cpu", obj.array.size)
        return None

    def _reduce_common(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if type(obj) is _device.device:
            self.used.add(_names.device)
            return _names.device, (str(obj),)
        if type(obj) is Size:
            self.used.add(_names.Size)
            return _names.Size, (tuple(obj),)
        return NotImplemented

    def _reduce_tensor(self, t: Tensor):
        if t._is_param:
            plain = Tensor.__new__(Tensor)
            plain._data = t._data
            self.used.add(REBUILD_PARAMETER)
            return REBUILD_PARAMETER, (plain, t._requires_grad, ORDERED_DICT())
        storage, offset, stride = self._storage_of(t._data)
        args = (storage, offset, tuple(t._data.shape), stride, t._requires_grad, ORDERED_DICT())
        self.used.add(REBUILD_V2)
        return REBUILD_V2, args

    def _storage_of(self, a: np.ndarray):
        root = _root(a)
        placed = _view_in(a, root)
        if placed is None:  # negative strides, odd layouts, empty: save a compact copy
            flat = np.ascontiguousarray(a).reshape(-1)
            stride = _contiguous_strides(a.shape)
            return self._new_storage(flat, a.dtype, None), 0, stride
        flat, offset, stride = placed
        return self._new_storage(flat, a.dtype, root), offset, stride

    def _new_storage(self, flat: np.ndarray, dt: np.dtype, root):
        ident = None if root is None else (id(root), dt.str)
        ref = self._by_root.get(ident) if ident is not None else None
        if ref is None:
            if dt.byteorder == ">":
                flat = flat.astype(dt.newbyteorder("<"))
            ref = _StorageRef(str(len(self.storages)), flat, dt.name)
            self.storages.append(ref)
            if ident is not None:
                self._by_root[ident] = ref
                self._keep.append(root)
        return ref


class FastPickler(_TensorReducer, pickle.Pickler):
    """C pickler (protocol 2): stand-ins are written under their ember names, then renamed."""

    def __init__(self, file):
        pickle.Pickler.__init__(self, file, protocol=2)
        self._init_storages()

    def reducer_override(self, obj):
        if isinstance(obj, np.generic):
            raise _SlowPath
        if type(obj) is _dtype.dtype:
            self.used.add(obj)
            return obj.name  # found as ember._dtype.<name>, renamed to torch.<name> below
        return self._reduce_common(obj)


def _ember_spelling(obj) -> bytes:
    if type(obj) is _dtype.dtype:
        return f"c{_dtype.__name__}\n{obj.name}\n".encode()
    return f"c{_names.__name__}\n{obj.attr}\n".encode()


def _torch_spelling(obj) -> bytes:
    if type(obj) is _dtype.dtype:
        return f"ctorch\n{obj.name}\n".encode()
    return f"c{obj.module}\n{obj.name}\n".encode()


def _rename_globals(data: bytes, used: set) -> bytes:
    """Rewrite each stand-in's GLOBAL opcode; the counts prove no user string was touched."""
    for obj in (*_names.ALL, *_dtype._ALL):
        ember_bytes = _ember_spelling(obj)
        if data.count(ember_bytes) != (obj in used):
            raise _SlowPath
        if obj in used:
            data = data.replace(ember_bytes, _torch_spelling(obj))
    return data


class CheckpointPickler(_TensorReducer, pickle._Pickler):
    """Pure-Python pickler for any protocol: writes each stand-in's GLOBAL opcode directly."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol: int = 2):
        pickle._Pickler.__init__(self, file, protocol=protocol)
        self._init_storages()

    # Numpy scalars become Python numbers: PyTorch's weights-only reader refuses NumPy globals.
    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, np.generic):
            obj = obj.item()
        elif type(obj) is _dtype.dtype:
            obj = _DTYPE_GLOBALS[obj.name]
        super().save(obj, save_persistent_id)

    def _save_torch_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    dispatch[TorchGlobal] = _save_torch_global

    def reducer_override(self, obj):
        return self._reduce_common(obj)


def _contiguous_strides(shape) -> tuple:
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(strides))


def dumps(obj, protocol: int = 2) -> tuple[bytes, list]:
    """Pickle ``obj`` as PyTorch's ``data.pkl``; returns the bytes and the storages it names."""
    if protocol == 2:
        buf = io.BytesIO()
        pickler = FastPickler(buf)
        try:
            pickler.dump(obj)
            return _rename_globals(buf.getvalue(), pickler.used), pickler.storages
        except _SlowPath:
            pass
    buf = io.BytesIO()
    pickler = CheckpointPickler(buf, protocol)
    pickler.dump(obj)
    return buf.getvalue(), pickler.storages


def _aligned_info(zf: zipfile.ZipFile, name: str, size: int) -> tuple[zipfile.ZipInfo, bool]:
    """A stored ZipInfo whose data starts on a 64-byte boundary (padding in the extra field)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size
    info.external_attr = 0o644 << 16
    zip64 = size * 1.05 > zipfile.ZIP64_LIMIT
    header = 30 + len(name.encode("utf-8")) + 4 + (20 if zip64 else 0)
    pad = -(zf.start_dir + header) % _format.ALIGNMENT
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # 'FB' padding, as miniz writes
    return info, zip64


def _write_record(zf: zipfile.ZipFile, name: str, data) -> None:
    mv = memoryview(data).cast("B")
    info, zip64 = _aligned_info(zf, name, mv.nbytes)
    with zf.open(info, "w", force_zip64=zip64) as out:
        chunk = 1 << 26
        for start in range(0, mv.nbytes, chunk):
            out.write(mv[start:start + chunk])


def write_archive(obj, fileobj, top: str, protocol: int = 2) -> None:
    """Write ``obj`` to the binary file object ``fileobj`` as a PyTorch checkpoint."""
    payload, storages = dumps(obj, protocol)
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED,
                         allowZip64=True) as zf:
        _write_record(zf, f"{top}/data.pkl", payload)
        _write_record(zf, f"{top}/.format_version", b"1")
        _write_record(zf, f"{top}/.storage_alignment", str(_format.ALIGNMENT).encode())
        _write_record(zf, f"{top}/byteorder", sys.byteorder.encode())
        for ref in storages:
            _write_record(zf, f"{top}/data/{ref.key}", ref.array)
        _write_record(zf, f"{top}/version", _format.FORMAT_VERSION)
        serial = "".join(str(b % 10) for b in os.urandom(40)).encode()
        _write_record(zf, f"{top}/.data/serialization_id", serial)
