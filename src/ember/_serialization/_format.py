"""Facts about PyTorch's checkpoint format shared by the writer and the reader."""
from __future__ import annotations

import numpy as np

# ember dtype name -> PyTorch's legacy typed-storage class name (all ember dtypes have one).
STORAGE_OF_DTYPE = {
    "bool": "BoolStorage",
    "uint8": "ByteStorage",
    "int8": "CharStorage",
    "int16": "ShortStorage",
    "int32": "IntStorage",
    "int64": "LongStorage",
    "float16": "HalfStorage",
    "float32": "FloatStorage",
    "float64": "DoubleStorage",
}
DTYPE_OF_STORAGE = {v: k for k, v in STORAGE_OF_DTYPE.items()}

# PyTorch dtypes (and storages) that exist in files but have no ember (NumPy) counterpart.
UNSUPPORTED_DTYPES = (
    "bfloat16", "complex32", "complex64", "complex128", "cfloat", "cdouble", "chalf",
    "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
    "float8_e5m2fnuz", "float8_e8m0fnu", "qint8", "quint8", "qint32", "quint4x2", "quint2x4",
    "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2",
)
UNSUPPORTED_STORAGES = {
    "BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128", "QInt8Storage": "qint8", "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
# Aliases PyTorch also exposes as module attributes (torch.float is torch.float32, ...).
DTYPE_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "short": "int16",
                 "int": "int32", "long": "int64"}

NP_DTYPES = {name: np.dtype(name) for name in STORAGE_OF_DTYPE}

ALIGNMENT = 64
FORMAT_VERSION = b"3\n"
