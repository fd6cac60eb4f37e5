#!/usr/bin/env python3
"""Runs the SQL examples of the README and docs/*.md against a database, in order, and compares
each example's output with the block shown right after it.

Conventions in the markdown:
- a ```sql block is run; a plain ``` block right after it is its expected output (psql's aligned
  format without footers; ERROR and HINT lines as psql prints them, without the location prefix);
- `<!-- doctest: skip -->` before a ```sql block: not run (a signature, or a sketch needing
  tables the reader has);
- `<!-- doctest: shape -->` before an output block: the numbers depend on sampling, so only the
  header, the row count and the non-numeric cells are compared;
- `<!-- doctest: setup ... -->` holds SQL that is run (and not shown) before the next block.

Every file runs in one psql session, so `\\gset` variables carry from block to block. A block
without an expected output must not raise an ERROR. Usage: doctest.py FILE... (psql's connection
from PGHOST, PGPORT, PGUSER, PGDATABASE).
"""

import re
import subprocess
import sys
from pathlib import Path

MARK = "@@doctest-block-{}@@"
NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?(e[-+]?\d+)?$|^-?\.\d+$")


def parse(text):
    """The runnable blocks: (line, sql, expected output or None, shape-only, setup sql)."""
    lines = text.splitlines()
    blocks, pending, i = [], {"skip": False, "shape": False, "setup": []}, 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("<!-- doctest:"):
            body = [line[len("<!-- doctest:"):]]
            while not body[-1].rstrip().endswith("-->"):
                i += 1
                body.append(lines[i])
            body[-1] = body[-1].rstrip()[:-3]
            kind, _, rest = "\n".join(body).strip().partition(" ")
            if kind == "setup":
                pending["setup"].append(rest.strip())
            elif kind in ("skip", "shape"):
                pending[kind] = True
            else:
                sys.exit(f"unknown doctest directive {kind!r} at line {i + 1}")
            i += 1
            continue
        if line.startswith("```"):
            lang, start = line[3:].strip(), i + 1
            i += 1
            while not lines[i].strip().startswith("```"):
                i += 1
            body = "\n".join(lines[start:i])
            i += 1
            if lang == "sql" and not pending["skip"]:
                expected, shape = None, False
                j = i
                while j < len(lines) and lines[j].strip().startswith("<!-- doctest: shape"):
                    shape, j = True, j + 1
                if j < len(lines) and lines[j].strip() == "```":
                    k = j + 1
                    while lines[k].strip() != "```":
                        k += 1
                    expected, i = "\n".join(lines[j + 1:k]), k + 1
                blocks.append((start, body, expected, shape or pending["shape"], pending["setup"]))
            pending = {"skip": False, "shape": False, "setup": []}
            continue
        i += 1
    return blocks


def normalise(output):
    out = []
    for line in output.splitlines():
        line = re.sub(r"^psql:<stdin>:\d+: ", "", line.rstrip())
        if line.startswith("CONTEXT:") or line.startswith("LINE ") or re.match(r"^\s+\^$", line):
            continue
        if line:
            out.append(line)
    return out


def shape_of(lines):
    """A table with its numbers blanked out."""
    def cells(line):
        if "|" not in line and not line.startswith("-"):
            return line
        return "|".join("#" if NUMBER.match(c.strip()) else c.strip() for c in line.split("|"))
    return [cells(l) for l in lines]


def run(path):
    blocks = parse(path.read_text())
    script = []
    for n, (_, sql, _, _, setup) in enumerate(blocks):
        script += [f"\\echo {MARK.format(n)}"] + setup + [sql]
    # Errors go to the same pipe as results, so that each stays beside its block's output.
    result = subprocess.run(
        ["psql", "-X", "-q", "-P", "footer=off", "-v", "ON_ERROR_STOP=0"],
        input="\n".join(script) + "\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    outputs = re.split(r"^@@doctest-block-\d+@@$", result.stdout, flags=re.M)[1:]
    if len(outputs) != len(blocks):
        return [f"{path}: psql stopped early:\n{result.stdout[-2000:]}"], len(blocks)
    failures = []
    for (line, sql, expected, shape, _), got in zip(blocks, outputs):
        got = normalise(got)
        where = f"{path}:{line}"
        if expected is None:
            errors = [l for l in got if l.startswith("ERROR")]
            if errors:
                failures.append(f"{where}: {errors[0]}\n{sql}")
            continue
        want = normalise(expected)
        if shape:
            got, want = shape_of(got), shape_of(want)
        if got != want:
            failures.append(f"{where}: output differs\n--- README\n" + "\n".join(want) + "\n--- psql\n" + "\n".join(got))
    return failures, len(blocks)


def main():
    failures, total = [], 0
    for name in sys.argv[1:]:
        f, n = run(Path(name))
        failures += f
        total += n
    for f in failures:
        print(f, file=sys.stderr)
    print(f"doctest: {total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
