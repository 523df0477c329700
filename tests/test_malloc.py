"""ember keeps freed heap memory mapped on glibc (see ember/_malloc.py), and can be told not to."""
import platform
import sys

from ember._malloc import keep_freed_memory


def test_set_on_glibc_by_default(monkeypatch):
    monkeypatch.delenv("EMBER_MALLOC_KEEP", raising=False)
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is on_glibc


def test_zero_or_junk_keeps_the_defaults(monkeypatch):
    for value in ("0", "-5", "lots"):
        monkeypatch.setenv("EMBER_MALLOC_KEEP", value)
        assert keep_freed_memory() is False
