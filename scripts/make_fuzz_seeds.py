#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/TARGET/ (generated, not
committed; scripts/fuzz.sh TARGET runs `make_fuzz_seeds.py TARGET`; no argument: all targets). Seeds: the language test programs, the nn cells of
the handouts and docs, every CommonMark spec example (alone and between two nn cells),
the notebooks, and cmark's pathological inputs (deep nesting, unclosed emphasis/links)."""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "seeds")


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def files(folder, suffix):
    path = os.path.join(ROOT, folder)
    return sorted(os.path.join(folder, n) for n in os.listdir(path) if n.endswith(suffix))


WANTED = set(sys.argv[1:]) or {"lex", "parse", "eval", "render", "cli"}


def write(target, name, data):
    if target not in WANTED:
        return
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def notebooks():
    paths = files("notebooks", ".md") + files("docs", ".md") + ["README.md"]
    for folder in ["Tests/NotebookTests/Golden/runner", "Tests/NotebookTests/Golden/nn"]:
        paths += files(folder, ".md")
    return paths


def nn_cells(markdown):
    text = markdown.decode("utf-8", "replace")
    return [m.group(1) for m in re.finditer(r"^```nn[^\n]*\n(.*?)^```", text, re.S | re.M)]


def pathological_code():
    yield "parens", "(" * 2000 + "1" + ")" * 2000
    yield "brackets", "[" * 1500 + "]" * 1500
    yield "braces", "{" * 1500
    yield "unary", "-" * 3000 + "1"
    yield "not", "not " * 900 + "x"
    yield "chain", "x" + "+x" * 1900
    yield "power", "2" + "**2" * 1500
    yield "compare", "1" + "<1" * 1900
    yield "calls", "f" + "()" * 1900
    yield "attributes", "x" + ".y" * 1900
    yield "subscripts", "x" + "[0]" * 1300
    yield "lambdas", "lambda: " * 500 + "1"
    yield "ternary", "1 if 1 else " * 300 + "1"
    yield "indent", "".join("    " * i + "if x:\n" for i in range(60)) + "    " * 60 + "pass\n"
    yield "fstring", "f'{" * 300 + "1" + "}'" * 300
    yield "string", "'" + "\\" * 3000
    yield "unclosed", "'''" + "a" * 3000
    yield "lines", "x = 1\n" * 600
    yield "continuation", "x = 1 + \\\n" * 500 + "1"
    yield "bigint", "9" * 3000
    yield "float", "1e" + "9" * 400
    yield "nul", "x = 1\x00\n"
    yield "cr", "x = 1\r\ry = 2\r\n"


def pathological_eval():
    yield "loop", "while True:\n    pass\n"
    yield "recursion", "def f(n):\n    return f(n + 1)\nf(0)\n"
    yield "mutual", "def f(n):\n    return g(n)\ndef g(n):\n    return f(n)\nf(1)\n"
    yield "list", "x = [0] * 10**10\n"
    yield "string", "s = 'a' * 10**12\n"
    yield "power", "x = 10**10**10\n"
    yield "tensor", "t = zeros(100000, 100000)\n"
    yield "tensor2", "t = ones(4096, 4096)\nu = t @ t\n"
    yield "division", "print(1 / 0)\n# %%\nprint(1 // 0)\n# %%\nprint(1 % 0)\n"
    yield "overflow", "x = 9223372036854775807\nprint(x + 1)\nprint(-x - 2)\nprint(x * x)\n"
    yield "shift", "print(1 << 100)\nprint(1 >> -1)\n"
    yield "nested", "x = []\nfor i in range(100000):\n    x = [x]\nprint(x)\n"
    yield "selfref", "x = [1]\nx.append(x)\nprint(x)\n"
    yield "cells", "x = 1\n# %%\nprint(x)\n# %%\ndef f(): return x\n# %%\nprint(f())\n"
    yield "autograd", "x = tensor([1.0, 2.0], requires_grad=True)\ny = (x * x).sum()\ny.backward()\nprint(x.grad)\n"
    yield "save", "save(tensor([1.0]), 'a.pt')\nprint(load('a.pt'))\nload('../etc/passwd')\n"


def pathological_markdown():
    for n in [100, 1000, 4000]:
        yield f"quotes{n}", "> " * n + "x\n"
        yield f"lists{n}", "".join("  " * i + "- a\n" for i in range(min(n, 200)))
        yield f"bullets{n}", "- " * n + "x\n"
        yield f"ordered{n}", "1. " * (n // 2) + "x\n"
        yield f"brackets{n}", "[" * n + "a" + "]" * n + "\n"
        yield f"openbrackets{n}", "[a" * n + "\n"
        yield f"emphasis{n}", "*a" * n + "\n"
        yield f"underscores{n}", "_a" * n + "\n"
        yield f"links{n}", "[a](" * n + "\n"
        yield f"images{n}", "![" * n + "\n"
        yield f"backticks{n}", "`" * n + "\n"
        yield f"angles{n}", "<" * n + "\n"
        yield f"entities{n}", "&#" * n + "\n"
        yield f"quotedcell{n}", "> " * min(n, 300) + "```nn\n" + "> " * min(n, 300) + "print(1)\n"
        yield f"tables{n}", "|a" * n + "|\n" + "|-" * n + "|\n"


def main():
    targets = ["lex", "parse", "eval", "render", "cli"]
    targets = [t for t in targets if t in WANTED]
    for target in targets:
        folder = os.path.join(OUT, target)
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                os.remove(os.path.join(folder, name))

    programs = files("Tests/NNLangTests/Programs", ".nn")
    for path in programs:
        name = os.path.basename(path)
        for target in ["lex", "parse", "eval"]:
            write(target, name, read(path))
    for path in notebooks():
        for index, cell in enumerate(nn_cells(read(path))):
            for target in ["lex", "parse", "eval"]:
                write(target, f"cell-{os.path.basename(path)}-{index}.nn", cell)
    for name, code in pathological_code():
        for target in ["lex", "parse", "eval"]:
            write(target, f"deep-{name}.nn", code)
    for name, code in pathological_eval():
        write("eval", f"bad-{name}.nn", code)

    examples = json.loads(read("Tests/NotebookTests/Golden/commonmark/commonmark-spec-examples.json"))
    for number, example in enumerate(examples, 1):
        body = example["markdown"]
        write("render", f"spec-{number:03}.md", body)
        write("render", f"spec-{number:03}-cells.md", "```nn\nprint('before')\n```\n\n" + body + "\n```nn\nprint('after')\n```\n")
    for path in notebooks():
        write("render", "notebook-" + path.replace("/", "-"), read(path))
    for name, markdown in pathological_markdown():
        write("render", f"deep-{name}.md", markdown)
        write("render", f"deep-{name}-cell.md", "```nn\nprint(1)\n```\n" + markdown + "```nn\nx\n```\n")

    command_lines = [
        ["notebooks/mlp.md"], ["--check", "a.md", "b.md"], ["--in-place", "a.md"], ["-o", "-", "a.md"],
        ["--out-dir", "out", "a.md"], ["-j", "4", "a.md"], ["-P", "lr=0.05", "-P", "opt='adam'", "a.md"],
        ["-P", "sizes=[16, 16]", "a.md"], ["--timeout", "2.5", "--keep-going", "a.md"], ["--rtol", "1e-3", "--atol", "0", "--check", "a.md"],
        ["--help"], ["--version"], ["-q", "a.md"], ["--", "-a.md"], ["-P", "x", "a.md"], ["-j", "0", "a.md"],
        ["--timeout", "-1", "a.md"], ["--in-place", "-o", "b.md", "a.md"], ["a.out.md"], [],
    ]
    for index, words in enumerate(command_lines):
        write("cli", f"argv-{index:02}", "\x00".join(words))
    counts = {t: len(os.listdir(os.path.join(OUT, t))) for t in targets}
    print("seeds:", ", ".join(f"{t} {n}" for t, n in counts.items()))


if __name__ == "__main__":
    sys.exit(main())
