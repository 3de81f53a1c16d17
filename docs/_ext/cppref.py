"""The C++ and C reference, generated from the public headers' comments at every build.

Reads ``src/cpp/include/cevns/*.hpp`` (Doxygen ``///`` and ``///<`` comments, with
``\\file``, ``\\brief`` and ``\\param``) and the C facade ``cevns_c.h`` (``/* */``
comments) and writes ``docs/api/cpp.md``: per header, its file comment, then each
commented declaration (the declaration as code, its comment as text; a struct's or
enum's body in full, with its ``///<`` member comments). A comment is attached to
the declaration that follows it, up to the first ``;`` or ``{``. No Doxygen needed;
the headers are the single source, as for Doxygen.

Run by Sphinx (``builder-inited``) or by hand: ``python docs/_ext/cppref.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generated_pages import setup_generator

ROOT = Path(__file__).resolve().parents[2]
HEADERS = ROOT / "src" / "cpp" / "include" / "cevns"
VERSION_IN = ROOT / "cmake" / "version.hpp.in"
OUT = Path(__file__).resolve().parents[1] / "api" / "cpp.md"

_ESCAPE = re.compile(r"([\\`*_\[\]<>$|#~&{}])")


def _md(text: str) -> str:
    """Escape Markdown (MyST) syntax in comment prose: it is shown as written."""
    return _ESCAPE.sub(r"\\\1", text)


def _prose(lines: list[str]) -> str:
    """A comment block as Markdown: paragraphs, \\param lists, indented code kept."""
    out: list[str] = []
    code: list[str] = []
    para: list[str] = []

    def flush_para() -> None:
        if para:
            out.append(_md(" ".join(para)))
            out.append("")
            para.clear()

    def flush_code() -> None:
        if code:
            out.append("```cpp")
            out.extend(code)
            out.append("```")
            out.append("")
            code.clear()

    previous_blank = True
    for raw in lines:
        line = raw.rstrip()
        starts_code = line.startswith("  ") and line.strip() and (code or previous_blank)
        previous_blank = not line.strip()
        if starts_code:
            flush_para()
            code.append(line[2:])
            continue
        flush_code()
        s = line.strip()
        s = re.sub(r"^\\brief\s*", "", s)
        if not s:
            flush_para()
        elif s.startswith(("\\param", "\\return", "\\throws")):
            flush_para()
            m = re.match(r"\\(param|return|throws)\s*(\S*)\s*(.*)", s)
            assert m
            what, name, rest = m.groups()
            if what == "param":
                out.append(f"- `{name}`: {_md(rest)}")
            else:
                out.append(f"- {what}: {_md((name + ' ' + rest).strip())}")
        elif out and out[-1].startswith("- ") and not para and raw.startswith("  "):
            out[-1] += " " + _md(s)
        else:
            para.append(s)
    flush_para()
    flush_code()
    return "\n".join(out).strip() + "\n"


def _comment_text(line: str) -> str:
    s = line.strip()[3:]
    return s[1:] if s.startswith(" ") else s


def _declaration(lines: list[str], i: int) -> tuple[str, int]:
    """The declaration starting at line i (to the first ';' or '{'); struct/enum bodies whole."""
    decl: list[str] = []
    j = i
    while j < len(lines):
        line = lines[j]
        decl.append(line)
        stripped = line.split("//")[0] if "///<" not in line else line
        if ";" in stripped or "{" in stripped:
            break
        j += 1
    head = "\n".join(decl)
    if re.match(r"\s*(struct|enum)\b", head) and "{" in head and "}" not in head:
        depth = head.count("{") - head.count("}")
        while depth > 0 and j + 1 < len(lines):
            j += 1
            decl.append(lines[j])
            depth += lines[j].count("{") - lines[j].count("}")
    elif "{" in head:  # an inline body: show the signature only
        body = ";" if "(" in head else " { /* … */ };"
        decl[-1] = decl[-1][: decl[-1].index("{")].rstrip() + body
    indent = min((len(d) - len(d.lstrip()) for d in decl if d.strip()), default=0)
    return "\n".join(d[indent:] for d in decl), j + 1


def header_page(path: Path, name: str | None = None) -> str:
    lines = path.read_text().splitlines()
    name = name or path.name
    out = [f"### `<cevns/{name}>`", ""]
    i = 0
    file_doc: list[str] = []
    entries: list[tuple[str, list[str]]] = []
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith("///") and not s.startswith("///<"):
            block = []
            while i < len(lines) and lines[i].strip().startswith("///"):
                block.append(_comment_text(lines[i]))
                i += 1
            if any(b.startswith("\\file") for b in block):
                file_doc = [b for b in block if not b.startswith("\\file")]
                continue
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i >= len(lines) or lines[i].strip().startswith(("#", "}")):
                continue
            decl, i = _declaration(lines, i)
            entries.append((decl, block))
            continue
        i += 1
    if file_doc:
        out.append(_prose(file_doc))
    for decl, block in entries:
        out += ["```cpp", decl, "```", "", _prose(block)]
    return "\n".join(out)


def c_facade_page(path: Path) -> str:
    text = path.read_text()
    out = ["### `<cevns/cevns_c.h>` (the C facade)", ""]
    pieces = re.split(r"(/\*.*?\*/)", text, flags=re.S)
    first = True
    for k, piece in enumerate(pieces):
        if not piece.startswith("/*"):
            continue
        comment = [re.sub(r"^\s*\*?\s?", "", ln) for ln in piece[2:-2].strip().splitlines()]
        after = pieces[k + 1] if k + 1 < len(pieces) else ""
        if first:
            comment[0] = re.sub(r"^cevns_c\.h\s*--\s*", "", comment[0])
            out.append(_prose(comment))
            first = False
            continue
        decl = after.strip().split(";")[0].strip()
        opaque_typedef = "typedef" in after.split(";")[0] and "opaque" in piece
        if not decl or decl.startswith("#") or opaque_typedef:
            continue
        out += ["```c", decl + ";", "```", "", _prose(comment)]
    return "\n".join(out)


def generate(out: Path = OUT) -> None:
    parts = [
        "<!-- generated by docs/_ext/cppref.py from the header comments: do not edit -->",
        "",
        "# C++ and C reference",
        "",
        "The public headers of the core, `src/cpp/include/cevns/` (installed with the",
        "CMake package and in the wheel: `cevns config --cmakedir`), and the plain C",
        "facade for `dlopen`-style embedding. Each entry is a declaration with the",
        "comment the header gives it; units are in the comments. How to build against",
        "them: [the C++ guide](../guide/cpp.md).",
        "",
        "## C facade",
        "",
        c_facade_page(HEADERS / "cevns_c.h"),
        "",
        "## C++ headers",
        "",
    ]
    headers = sorted(p for p in HEADERS.glob("*.hpp"))
    for h in headers:
        parts += [header_page(h), ""]
    if VERSION_IN.exists():
        parts += [header_page(VERSION_IN, "version.hpp"), ""]
    text = "\n".join(parts).rstrip() + "\n"
    if not out.exists() or out.read_text() != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)


def setup(app: Any) -> dict[str, Any]:
    return setup_generator(app, generate)


if __name__ == "__main__":
    generate()
