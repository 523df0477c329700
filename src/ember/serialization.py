"""``ember.save`` / ``ember.load``: PyTorch's checkpoint format, safe by default, crash-proof.

Files are PyTorch's zip format (``torch.save`` since 1.6): PyTorch loads ember's files with
``weights_only=True`` and ember loads PyTorch's without PyTorch installed. Loading is
weights-only by default: a restricted unpickler admits tensors, Parameters, storages, dtypes,
``torch.Size``/``torch.device``, ``OrderedDict`` and plain Python values, and refuses every
other global before it is looked up. Saving to a path never leaves a half-written file.

What is read: tensors of every ember dtype (bool, uint8, int8, int16, int32, int64, float16,
float32, float64) through ``_rebuild_tensor_v2``/``_v3``/``_rebuild_tensor``, Parameters
(``_rebuild_parameter``, ``..._with_state``, ``_rebuild_from_type_v2`` for plain tensors and
Parameters), views sharing one storage, state dicts (with their ``_metadata``), optimizer
state dicts, nested containers, ``bytes``, ``set``, ``frozenset``, ``complex``, ``slice``, big-
endian files. What is not read: the legacy pre-1.6 tar/pickle format, TorchScript archives,
dtypes NumPy lacks (bfloat16, complex, uint16/32/64, float8, quantized), sparse, nested and
meta tensors, tensor subclasses other than Parameter, NumPy objects inside a weights-only file
(unless allowed with :func:`add_safe_globals`), and non-CPU locations without ``map_location``.
"""
from __future__ import annotations

import io
import os
import pickle
import tempfile

from ._serialization import _reader, _safetensors, _writer

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "save_safetensors", "load_safetensors", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2

_SAFE_GLOBALS: dict = {}


def _global_key(obj) -> tuple:
    if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[1], str):
        obj, name = obj
        module, _, qualname = name.rpartition(".")
        return (module or getattr(obj, "__module__", ""), qualname), obj
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if module is None or name is None:
        raise TypeError(f"add_safe_globals(): {obj!r} has no __module__/__qualname__; pass "
                        "(obj, 'module.name') instead")
    return (module, name), obj


def add_safe_globals(safe_globals: list) -> None:
    """Allow these classes/functions in ``ember.load(..., weights_only=True)``.

    Only allow what you trust: the weights-only loader will call them with arguments taken
    from the file. Each item is an object, or a pair ``(object, "module.name")``.

    Example:
        >>> import collections, ember
        >>> ember.serialization.add_safe_globals([collections.Counter])
        >>> ember.serialization.clear_safe_globals()
    """
    for obj in safe_globals:
        key, value = _global_key(obj)
        _SAFE_GLOBALS[key] = value


def get_safe_globals() -> list:
    """The objects added with :func:`add_safe_globals`."""
    return list(_SAFE_GLOBALS.values())


def clear_safe_globals() -> None:
    """Forget every global added with :func:`add_safe_globals`."""
    _SAFE_GLOBALS.clear()


class safe_globals:
    """Context manager that allows ``safe_globals`` for weights-only loads inside the block."""

    def __init__(self, safe_globals: list):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._saved = dict(_SAFE_GLOBALS)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _SAFE_GLOBALS.clear()
        _SAFE_GLOBALS.update(self._saved)
        return False


# ---------------------------------------------------------------- durability

def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: str, write) -> None:
    """Write via ``write(fileobj)`` to a temp file in the target's folder, fsync, rename over.

    A crash or kill at any moment leaves either the old file or the complete new one.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: str) -> None:
    # Makes the rename itself durable; some platforms cannot open a folder, which is fine.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _is_path(f) -> bool:
    return isinstance(f, (str, os.PathLike))


# ---------------------------------------------------------------- torch.save / torch.load

def save(obj, f, pickle_module=None, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (tensors, state dicts, modules, plain values) in PyTorch's file format.

    Args:
        obj: what to save; tensors sharing storage stay shared when loaded.
        f: a path (written atomically: temp file, fsync, rename) or a writable binary file.
        pickle_protocol: pickle protocol for ``data.pkl`` (2, as PyTorch).

    Example:
        >>> import io, ember
        >>> buf = io.BytesIO()
        >>> ember.save({"w": ember.ones(2)}, buf)
        >>> _ = buf.seek(0)
        >>> ember.load(buf)["w"]
        tensor([1., 1.])
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember.save writes only PyTorch's zip format "
                                  "(_use_new_zipfile_serialization=True)")
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.save: only the standard pickle module is supported")
    if type(pickle_protocol) is not int or not 2 <= pickle_protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(f"ember.save: pickle_protocol must be 2..{pickle.HIGHEST_PROTOCOL}, "
                         f"got {pickle_protocol!r}")
    if _is_path(f):
        path = os.fspath(f)
        top = os.path.splitext(os.path.basename(path))[0] or "archive"
        _atomic_write(path, lambda out: _writer.write_archive(obj, out, top, pickle_protocol))
    elif hasattr(f, "write"):
        _writer.write_archive(obj, f, "archive", pickle_protocol)
    else:
        raise TypeError(f"ember.save: f must be a path or a writable file object, got "
                        f"{type(f).__name__}")


_LEGACY_MAGIC = b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19."


def _read_start(fileobj) -> bytes:
    pos = fileobj.tell()
    start = fileobj.read(len(_LEGACY_MAGIC))
    fileobj.seek(pos)
    return start


def _check_magic(start: bytes) -> None:
    if not start:
        raise RuntimeError("ember.load: the file is empty (was the save interrupted?)")
    if start.startswith(b"PK\x03\x04") or start.startswith(b"PK\x05\x06"):
        return
    if start.startswith(b"\x80\x02\x8a"):
        raise RuntimeError("ember.load: this file uses PyTorch's legacy (before 1.6) format, "
                           "which ember does not read; load it in PyTorch and save it again with "
                           "a current torch.save")
    raise RuntimeError("ember.load: the file is not a PyTorch checkpoint (not a zip archive: "
                       f"it starts with {start[:8]!r})")


def load(f, map_location=None, pickle_module=None, *, weights_only: bool = True,
         mmap: bool = False, **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save`` (zip format).

    Args:
        f: a path or a readable binary file object.
        map_location: ``None``/``'cpu'``/an ``ember.device``, a dict mapping saved locations
            (``'cuda:0'``) to new ones, or a callable ``(storage, location)`` returning the
            storage or None. ember only has the CPU.
        weights_only: True (default) admits only tensors, state dicts and plain values. Set it
            False only for files you trust: that runs arbitrary pickled code.
        mmap: map the file into memory (copy-on-write) instead of reading the tensors; ``f``
            must be a path.

    Raises:
        pickle.UnpicklingError: a refused global (nothing from the file has run) or a malformed
            ``data.pkl``; RuntimeError: a file that is not a readable checkpoint.
    """
    if pickle_module is not None and weights_only:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified; pass weights_only=False to use a pickle module")
    extra = dict(_SAFE_GLOBALS)
    if _is_path(f):
        path = os.fspath(f)
        with open(path, "rb") as fileobj:
            _check_magic(_read_start(fileobj))
            if not mmap:
                return _reader.read_archive(fileobj, map_location, weights_only, extra)
        mm = _reader.open_mmap(path)
        with open(path, "rb") as fileobj:
            return _reader.read_archive(fileobj, map_location, weights_only, extra, mm)
    if mmap:
        raise ValueError("ember.load: mmap=True needs f to be a path, not a file object")
    if not hasattr(f, "read"):
        raise TypeError(f"ember.load: f must be a path or a readable file object, got "
                        f"{type(f).__name__}")
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    _check_magic(_read_start(f))
    return _reader.read_archive(f, map_location, weights_only, extra)


# ---------------------------------------------------------------- safetensors

def save_safetensors(state_dict: dict, path, metadata: dict | None = None) -> None:
    """Write ``state_dict`` (str -> Tensor) as a ``.safetensors`` file, atomically.

    Differences from ``safetensors.torch.save_file``: tensors that share memory are written as
    independent copies instead of raising an error.
    """
    pieces = _safetensors.encode(state_dict, metadata)

    def write(out):
        for piece in pieces:
            out.write(memoryview(piece).cast("B") if not isinstance(piece, bytes) else piece)

    _atomic_write(os.fspath(path), write)


def load_safetensors(path) -> dict:
    """Read a ``.safetensors`` file into a dict of name -> Tensor (names in sorted order)."""
    with open(os.fspath(path), "rb") as f:
        data = f.read()
    tensors, _ = _safetensors.decode(data)
    return tensors
