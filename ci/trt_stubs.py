"""Stub TensorRT libraries: NVIDIA's real Python bindings import on a machine without TensorRT.

The bindings wheels on PyPI (``tensorrt-bindings``, ``tensorrt-cu1x-bindings``) hold the
real pybind extension, linked against ``libnvinfer.so.N`` and friends, which come from
NVIDIA's own index. The extension calls into those libraries only through about a dozen C
entry points (``createInferRuntime_INTERNAL``, ``getPluginRegistry``, ...; 8.x also a few
C++ ones of the UFF / Caffe parsers). A library of the right soname whose functions all
return NULL / 0 satisfies the dynamic loader, so the module imports and every class, enum,
member and docstring signature is NVIDIA's; whatever needs the real library fails the way
real TensorRT fails without it (``Runtime(logger)`` raises ``TypeError``: the factory
returned nullptr).

    python -m ci.trt_stubs [--alias tensorrt_bindings] OUT_DIR path/to/tensorrt.so [more.so ...]

prints the directory to put on ``LD_LIBRARY_PATH`` (and, with ``--alias``, on ``PYTHONPATH``
so that ``import tensorrt`` is the bindings). Uses only the standard library, plus
binutils (``nm``, ``readelf``) and a C compiler (``cc``, or ``$CC``): where one is missing
it raises :class:`StubToolMissing` with a message saying which, and the nox session skips.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

#: A NEEDED entry that is one of TensorRT's own libraries (not libc, libstdc++, libcudart...).
_TRT_LIBRARY = re.compile(r"^lib(nvinfer|nvonnxparser|nvparsers)[A-Za-z_]*\.so(\.\d+)*$")

#: Which library defines a symbol, by a word in its (possibly mangled) name; the rest are
#: libnvinfer's (or the lean / dispatch runtime's, whichever the extension needs).
_SYMBOL_HOME = (
    ("NvOnnxParser", "nvonnxparser"),
    ("nvuffparser", "nvparsers"),
    ("nvcaffeparser", "nvparsers"),
    ("NvInferPlugins", "nvinfer_plugin"),
)

#: An ``nm -D --undefined-only`` line for a strong undefined symbol without a version
#: (glibc / libstdc++ symbols carry ``@GLIBC_...`` versions; TensorRT's carry none).
_UNDEFINED = re.compile(r"^\s*U\s+([A-Za-z_][A-Za-z0-9_]*)\s*$")


class StubToolMissing(RuntimeError):
    """A tool the stubs need (a C compiler, ``nm`` or ``readelf``) is not on this machine."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StubToolMissing(
            f"{name!r} is not on PATH: the stub TensorRT libraries need binutils (nm, readelf) "
            "and a C compiler (cc, or $CC); install them (apt-get install gcc binutils)"
        )
    return path


def compiler() -> str:
    """The C compiler to use: ``$CC`` when set, else ``cc``; :class:`StubToolMissing` if absent."""
    return _tool(os.environ.get("CC") or "cc")


def tool_problem() -> str | None:
    """Why stubs cannot be built here (a missing tool), or None when they can."""
    try:
        compiler()
        _tool("nm")
        _tool("readelf")
    except StubToolMissing as exc:
        return str(exc)
    return None


def needed_trt_libraries(extension: Path) -> list[str]:
    """The sonames of TensorRT's libraries ``extension`` was linked against (its NEEDED entries)."""
    out = subprocess.run([_tool("readelf"), "-d", str(extension)], check=True,
                         capture_output=True, text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    return [name for name in needed if _TRT_LIBRARY.match(name)]


def undefined_trt_symbols(extension: Path) -> list[str]:
    """The strong, unversioned undefined dynamic symbols of ``extension`` Python does not define.

    Python's C API (``Py*`` / ``_Py*``) is resolved from the interpreter; versioned symbols
    come from glibc / libstdc++; weak ones may stay undefined. What is left is TensorRT's.
    """
    out = subprocess.run([_tool("nm"), "-D", "--undefined-only", str(extension)], check=True,
                         capture_output=True, text=True).stdout
    symbols = []
    for line in out.splitlines():
        match = _UNDEFINED.match(line)
        if match and not match.group(1).startswith(("Py", "_Py")):
            symbols.append(match.group(1))
    return sorted(set(symbols))


def home_library(symbol: str, sonames: Sequence[str]) -> str:
    """The soname among ``sonames`` that defines ``symbol`` in real TensorRT.

    Falls back to the runtime library (``libnvinfer*``, the first one listed) when the
    symbol's own library is not among them.
    """
    for word, stem in _SYMBOL_HOME:
        if word in symbol:
            for soname in sonames:
                if soname.split(".so")[0] == f"lib{stem}":
                    return soname
    runtimes = [s for s in sonames if s.startswith("libnvinfer") and "plugin" not in s]
    if not runtimes:
        raise ValueError(f"no TensorRT runtime library among {list(sonames)!r} for {symbol!r}")
    return runtimes[0]


def stub_source(symbols: Sequence[str]) -> str:
    """C source defining each of ``symbols`` as a function that returns NULL.

    Every caller gets a null pointer / zero: a factory's nullptr makes the bindings raise
    (``TypeError`` from pybind for a null return), a version query reads 0. The x86-64
    and aarch64 calling conventions let a no-argument function stand for any C signature.
    """
    lines = ["/* Generated by ci/trt_stubs.py: stand-ins for TensorRT's entry points. */", ""]
    for symbol in symbols:
        lines.append(f"void *{symbol}(void) {{ return 0; }}")
    return "\n".join(lines) + "\n"


def build_stub_libs(extensions: Sequence[Path], out_dir: Path) -> Path:
    """Compile stub TensorRT libraries for ``extensions`` into ``out_dir``; return ``out_dir``.

    One shared library per TensorRT soname any extension needs (``libnvinfer.so.10``...),
    each defining the symbols that library provides; put the returned directory on
    ``LD_LIBRARY_PATH`` before starting the Python that imports the bindings.
    """
    if not extensions:
        raise ValueError("no extension given: pass the bindings' tensorrt*.so")
    cc = compiler()
    by_library: dict[str, set[str]] = {}
    for extension in extensions:
        sonames = needed_trt_libraries(extension)
        if not sonames:
            raise ValueError(f"{str(extension)!r} needs no TensorRT library (no libnvinfer* NEEDED "
                             "entry): pass the bindings' extension module")
        for soname in sonames:
            by_library.setdefault(soname, set())
        for symbol in undefined_trt_symbols(extension):
            by_library[home_library(symbol, sonames)].add(symbol)
    out_dir.mkdir(parents=True, exist_ok=True)
    for soname, symbols in sorted(by_library.items()):
        source = out_dir / (soname.split(".so")[0] + "_stub.c")
        source.write_text(stub_source(sorted(symbols)))
        target = out_dir / soname
        subprocess.run([cc, "-shared", "-fPIC", "-O0", f"-Wl,-soname,{soname}",
                        "-o", str(target), str(source)], check=True)
        # Some loaders (ctypes.util, the 8.x __init__) also look up the unversioned name.
        plain = out_dir / (soname.split(".so")[0] + ".so")
        if plain != target and not plain.exists():
            plain.symlink_to(target.name)
    return out_dir


def write_module_alias(out_dir: Path, package: str, name: str = "tensorrt") -> Path:
    """Write ``out_dir/<name>.py`` that makes ``import <name>`` return the module ``package``.

    The bindings wheels install ``tensorrt_bindings``; NVIDIA's ``tensorrt`` metapackage (whose
    libraries come from NVIDIA's index) is what exposes it as ``tensorrt``. With ``out_dir``
    on ``PYTHONPATH`` the real module answers to the name trtcompat imports, in subprocesses too.
    """
    if not package.isidentifier() or not name.isidentifier():
        raise ValueError(f"not module names: {package!r}, {name!r}")
    path = out_dir / f"{name}.py"
    path.write_text(
        '"""Generated by ci/trt_stubs.py: the real bindings under the name trtcompat imports."""\n'
        f"import sys\n\nimport {package}\n\nsys.modules[__name__] = {package}\n"
    )
    return path


def find_extensions(package_dir: Path) -> list[Path]:
    """The TensorRT extension modules (``tensorrt*.so``) under an installed bindings package."""
    return sorted(p for p in package_dir.rglob("*.so")
                  if p.is_file() and needed_trt_libraries(p))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ci.trt_stubs OUT_DIR EXT_OR_DIR...``: build the stubs, print their directory."""
    parser = argparse.ArgumentParser(prog="python -m ci.trt_stubs",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--alias", metavar="PACKAGE",
                        help="also write OUT_DIR/tensorrt.py importing PACKAGE (tensorrt_bindings)")
    parser.add_argument("paths", nargs="+", type=Path,
                        help="the bindings' extension modules, or directories holding them")
    args = parser.parse_args(argv)
    extensions: list[Path] = []
    for path in args.paths:
        extensions.extend(find_extensions(path) if path.is_dir() else [path])
    try:
        print(build_stub_libs(extensions, args.out_dir))
        if args.alias:
            write_module_alias(args.out_dir, args.alias)
    except StubToolMissing as exc:
        print(f"trt_stubs: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
