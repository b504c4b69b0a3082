"""Check the 8.0-8.5 fakes' enum values and members against TensorRT's own C++ headers.

No Python module of TensorRT 8.0-8.5 can be installed, so the fakes of those releases take
their enum values from 8.6.1's real module (``_real_forms.VALUES``) and their members from
the version table. The headers of each release (``include/NvInfer*.h`` in NVIDIA's
TensorRT repository, tagged per release) say what the C++ enums held; the Python enums bind
them one to one (``kFOO`` is ``FOO``). This reads them from a clone and reports, per tag:

- every value the fakes give that the header contradicts;
- every member the fakes offer that the header lacks;
- every member the header and 8.6.1's real module both have that the fakes lack.

    git clone https://github.com/NVIDIA/TensorRT && python tools/check_8x_enum_values.py TensorRT

Exit status 1 where any of the three lists is not empty. The result for 8.0.1, 8.2.1, 8.4.3
and 8.5.3 is in docs/TESTING.md.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trtcompat._versions import has_member
from trtcompat.testing._inert import real_value
from trtcompat.testing._real_forms import VALUES

TAGS = ("8.0.1", "8.2.1", "8.4.3", "8.5.3")
# Python name -> C++ name where they differ: the Python ``ErrorCode`` is the ONNX parser's
# (NvOnnxParser.h, not in include/), the runtime's C++ ``ErrorCode`` is ``ErrorCodeTRT``.
RENAMED = {"ErrorCodeTRT": "ErrorCode", "ErrorCode": None}
_ENUM = re.compile(r"enum\s+class\s+(\w+)\s*(?::\s*[\w:]+)?\s*\{(.*?)\};", re.S)
_ITEM = re.compile(r"(k\w+)\s*(?:=\s*(.+))?$", re.S)
_LITERAL = re.compile(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$")
_SHIFT = re.compile(r"(\d+)[uUlL]*\s*<<\s*(\d+)$")


def _git(clone: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(clone), *args], check=True, capture_output=True, text=True,
        errors="replace",
    ).stdout  # fmt: skip


def _headers(clone: Path, tag: str) -> str:
    """Every include/*.h of ``tag``, comments and deprecation macros removed."""
    listing = _git(clone, "ls-tree", "--name-only", tag, "include/").split()
    headers = [path for path in listing if path.endswith(".h")]
    text = "\n".join(_git(clone, "show", f"{tag}:{path}") for path in headers)
    text = re.sub(r"/\*.*?\*/", "", re.sub(r"//[^\n]*", "", text), flags=re.S)
    return re.sub(r"\bTRT_DEPRECATED_ENUM\b", "", text)


def _value(expression: str, known: dict[str, int | None]) -> int | None:
    """An enumerator's value: a literal, ``1U << n`` or an earlier enumerator (None: other)."""
    expression = expression.strip()
    literal, shift = _LITERAL.match(expression), _SHIFT.match(expression)
    if literal:
        return int(literal.group(1), 0)
    if shift:
        return int(shift.group(1)) << int(shift.group(2))
    return known.get(expression)


def header_enums(text: str) -> dict[str, dict[str, int | None]]:
    """C++ enum name -> ``{"kMEMBER": value}`` (None where the value is an expression)."""
    enums: dict[str, dict[str, int | None]] = {}
    for name, body in _ENUM.findall(text):
        members = enums.setdefault(name, {})
        following: int | None = 0
        for item in filter(None, (part.strip() for part in body.split(","))):
            found = _ITEM.match(item)
            if not found:
                continue
            value = following if found.group(2) is None else _value(found.group(2), members)
            members[found.group(1)] = value
            following = None if value is None else value + 1
    return enums


def compare(tag: str, enums: dict[str, dict[str, int | None]]) -> tuple[int, list[str]]:
    """How many values were compared, and every disagreement found at release ``tag``."""
    release, newest_8 = Version(tag), Version("8.6.1")
    compared, problems = 0, []
    for enum, members in VALUES.items():
        header = enums.get(RENAMED.get(enum, enum) or "")
        if header is None:
            continue
        for member in members:
            ours, theirs = has_member(enum, member, release), f"k{member}" in header
            if ours and not theirs:
                problems.append(f"{enum}.{member}: the fake has it, the header does not")
            elif theirs and not ours and has_member(enum, member, newest_8):
                problems.append(f"{enum}.{member}: the header has it, the fake does not")
            elif ours and header[f"k{member}"] is not None:
                compared += 1
                fake = real_value(enum, member, release)  # what the fake of ``tag`` gives
                if header[f"k{member}"] != fake:
                    problems.append(
                        f"{enum}.{member}: {header[f'k{member}']} in the header, {fake} in the fake"
                    )
    return compared, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path, help="a clone of github.com/NVIDIA/TensorRT")
    parser.add_argument("tags", nargs="*", default=list(TAGS), help=f"default: {TAGS}")
    args = parser.parse_args(argv)
    failed = False
    for tag in args.tags:
        try:
            text = _headers(args.clone, tag)
        except subprocess.CalledProcessError as err:  # no such clone or tag
            parser.error(f"{tag}: {err.stderr.strip()}")
        compared, problems = compare(tag, header_enums(text))
        print(f"{tag}: {compared} values agree" if not problems else f"{tag}: {compared} compared")
        for problem in problems:
            print(f"  {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
