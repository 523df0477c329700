"""Tensor-aware pickling through shared memory.

Two mechanisms share one kind of storage, a POSIX shared-memory segment mapped with ``mmap``:

* ``ForkingPickler`` reductions (what ``multiprocessing`` queues, pipes and spawned process
  arguments use). Pickling a tensor first moves its data into shared memory in place, as
  PyTorch's ``share_memory_()`` does, then sends a handle: a duplicated file descriptor under
  the ``"file_descriptor"`` strategy (the default) or the segment's name under
  ``"file_system"``. The receiver maps the same pages, so writes are seen by both.
* ``dump_batch``/``load_batch``: a one-shot message for the DataLoader. Every large array in an
  object (at any depth) is copied into one fresh segment; the pickle carries only offsets. The
  receiver maps the segment and unlinks its name at once, so the memory lives exactly as long
  as the arrays that use it.
"""
from __future__ import annotations

import atexit
import io
import mmap
import os
import pickle
import secrets
import weakref
from multiprocessing import reduction as _reduction

import numpy as np

from .._tensor import Tensor, _make

try:
    import _posixshmem
except ImportError:  # no POSIX shared memory (Windows): tensors are pickled by value instead
    _posixshmem = None

__all__ = ["share_memory_", "is_shared", "reduce_tensor", "rebuild_tensor", "init_reductions",
           "dump_batch", "load_batch", "unlink_segment"]

_ALIGN = 64
INLINE_BYTES = 8192  # arrays smaller than this travel inside the pickle; a segment costs more
_SHM_DIR = "/dev/shm"

_strategy = "file_descriptor"
_prefix = f"ember_{os.getpid()}_{secrets.token_hex(3)}"
_counter = 0
_owned_names: set = set()  # segments this process created and has not unlinked yet


class SharedMap(mmap.mmap):
    """An mmap of a shared segment that remembers its file descriptor and name."""

    fd: int = -1
    name: str | None = None


def _new_name(prefix: str | None) -> str:
    global _counter
    _counter += 1
    return f"/{prefix or _prefix}_{os.getpid()}_{_counter}"


def _create_segment(nbytes: int, prefix: str | None = None) -> tuple[int, str]:
    name = _new_name(prefix)
    fd = _posixshmem.shm_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        os.ftruncate(fd, max(nbytes, 1))
    except OSError:
        os.close(fd)
        _posixshmem.shm_unlink(name)
        raise
    return fd, name


def _unlink_quietly(name: str) -> None:
    _owned_names.discard(name)
    try:
        _posixshmem.shm_unlink(name)
    except OSError:
        pass


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _new_shared_map(nbytes: int) -> SharedMap:
    """Fresh shared storage. Under "file_descriptor" the name is unlinked at once and the fd
    kept; under "file_system" the name stays until this process frees the storage."""
    fd, name = _create_segment(nbytes)
    m = SharedMap(fd, max(nbytes, 1))
    m.fd = fd
    weakref.finalize(m, _close_quietly, fd)
    if _strategy == "file_descriptor":
        _posixshmem.shm_unlink(name)
    else:
        m.name = name
        _owned_names.add(name)
        weakref.finalize(m, _unlink_quietly, name)
    return m


def _storage_of(array: np.ndarray):
    """The SharedMap under ``array`` (and the array's byte offset in it), or (None, 0)."""
    base = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    if isinstance(base, SharedMap):
        start = np.ndarray((len(base),), np.uint8, buffer=base).__array_interface__["data"][0]
        return base, array.__array_interface__["data"][0] - start
    return None, 0


def is_shared(self: Tensor) -> bool:
    """Whether the tensor's data lives in shared memory."""
    base = self._data
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return isinstance(base, mmap.mmap)


def share_memory_(self: Tensor) -> Tensor:
    """Move the tensor's data into shared memory (a no-op if it is there already).

    Differences from PyTorch: ember tensors own an ndarray rather than a storage, so views
    taken *before* the move keep the old memory.
    """
    if _posixshmem is None or is_shared(self):
        return self
    return _move_to_shared(self)


def _move_to_shared(self: Tensor) -> Tensor:
    src = self._data
    m = _new_shared_map(src.nbytes)
    dst = np.ndarray(src.shape, src.dtype, buffer=m)
    dst[...] = src
    self._data = dst
    return self


def rebuild_tensor(cls, handle, nbytes, offset, dtype, shape, strides, requires_grad):
    """Map shared storage received from another process and wrap it in a tensor."""
    if isinstance(handle, str):
        fd = _posixshmem.shm_open(handle, os.O_RDWR, 0o600)
        m = SharedMap(fd, nbytes)
        m.name = handle
        _close_quietly(fd)
    else:
        fd = handle.detach()
        m = SharedMap(fd, nbytes)
        m.fd = fd
        weakref.finalize(m, _close_quietly, fd)
    array = np.ndarray(shape, np.dtype(dtype), buffer=m, offset=offset, strides=strides)
    t = _make(array)
    if cls is not Tensor:
        t.__class__ = cls
    t._requires_grad = requires_grad
    return t


def reduce_tensor(tensor: Tensor):
    """ForkingPickler reduction: share the data, send a handle to it."""
    if _posixshmem is None:
        return tensor.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
    if tensor.grad_fn is not None:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, "
                           "since autograd does not support crossing process boundaries.  If "
                           "you just want to transfer the data, call detach() on the tensor "
                           "before serializing (e.g., putting it on the queue).")
    storage, offset = _storage_of(tensor._data)
    if storage is None or (storage.name is None and storage.fd < 0):
        _move_to_shared(tensor)
        storage, offset = _storage_of(tensor._data)
    array = tensor._data
    if storage.name is not None and (_strategy == "file_system" or storage.fd < 0):
        handle = storage.name
    else:
        handle = _reduction.DupFd(storage.fd)
    return (rebuild_tensor, (type(tensor), handle, len(storage), offset, array.dtype.str,
                             array.shape, array.strides, tensor._requires_grad))


def init_reductions() -> None:
    """Register the tensor reduction with multiprocessing's ForkingPickler."""
    # The pickler looks reducers up by exact type, so every subclass loaded so far (Parameter
    # once ember.nn is imported) is registered too; DataLoader and spawn call this again.
    todo = [Tensor]
    while todo:
        cls = todo.pop()
        _reduction.ForkingPickler.register(cls, reduce_tensor)
        todo.extend(cls.__subclasses__())


# ---------------------------------------------------------------- one-shot batches (DataLoader)

class _BatchPickler(pickle.Pickler):
    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays: list = []
        self.nbytes = 0

    def _place(self, array: np.ndarray) -> int:
        offset = self.nbytes
        self.arrays.append((offset, array))
        self.nbytes = offset + (array.nbytes + _ALIGN - 1) // _ALIGN * _ALIGN
        return offset

    def persistent_id(self, obj):
        if isinstance(obj, Tensor):
            array = obj._data
            if array.nbytes >= INLINE_BYTES:
                return ("t", self._place(array), array.dtype.str, array.shape,
                        obj._requires_grad, type(obj))
        elif type(obj) is np.ndarray and obj.nbytes >= INLINE_BYTES and not obj.dtype.hasobject:
            return ("a", self._place(obj), obj.dtype.str, obj.shape)
        return None


class _BatchUnpickler(pickle.Unpickler):
    def __init__(self, file, storage):
        super().__init__(file)
        self.storage = storage

    def persistent_load(self, pid):
        array = np.ndarray(pid[3], np.dtype(pid[2]), buffer=self.storage, offset=pid[1])
        if pid[0] == "a":
            return array
        t = _make(array)
        if pid[5] is not Tensor:
            t.__class__ = pid[5]
        t._requires_grad = pid[4]
        return t


def dump_batch(obj, prefix: str | None = None) -> tuple[bytes, str | None]:
    """Pickle ``obj`` with its large arrays moved into one new shared segment.

    Returns the pickle and the segment's name (None when nothing was large). The receiver must
    call :func:`load_batch` (or :func:`unlink_segment`) exactly once for the name.
    """
    buf = io.BytesIO()
    pickler = _BatchPickler(buf) if _posixshmem is not None else pickle.Pickler(buf, -1)
    pickler.dump(obj)
    if _posixshmem is None or not pickler.arrays:
        return buf.getvalue(), None
    fd, name = _create_segment(pickler.nbytes, prefix)
    _owned_names.add(name)
    try:
        with mmap.mmap(fd, max(pickler.nbytes, 1)) as m:
            for offset, array in pickler.arrays:
                np.ndarray(array.shape, array.dtype, buffer=m, offset=offset)[...] = array
    except BaseException:
        _unlink_quietly(name)
        raise
    finally:
        os.close(fd)
    _owned_names.discard(name)  # the receiver owns it now
    return buf.getvalue(), name


def load_batch(payload: bytes, name: str | None):
    """Rebuild what :func:`dump_batch` made; the segment's name is unlinked here."""
    if name is None:
        return pickle.loads(payload)
    fd = _posixshmem.shm_open(name, os.O_RDWR, 0o600)
    try:
        storage = mmap.mmap(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)
        _posixshmem.shm_unlink(name)
    return _BatchUnpickler(io.BytesIO(payload), storage).load()


def unlink_segment(name: str | None) -> None:
    """Free a segment from :func:`dump_batch` that will never be loaded."""
    if name is not None and _posixshmem is not None:
        _unlink_quietly(name)


def segment_prefix() -> str:
    """The name prefix of segments this process (and children it forked) create."""
    return _prefix


def unlink_leftovers(prefix: str) -> int:
    """Unlink every segment whose name starts with ``prefix`` (Linux keeps them in /dev/shm)."""
    count = 0
    try:
        names = os.listdir(_SHM_DIR)
    except OSError:
        return 0
    for entry in names:
        if entry.startswith(prefix):
            _unlink_quietly("/" + entry)
            count += 1
    return count


@atexit.register
def _cleanup() -> None:
    for name in list(_owned_names):
        _unlink_quietly(name)
