#!/usr/bin/env python3
"""The fast path's dependency graph, and a check that it has no circle.

A unit is a source file together with its header (pipeline.c and pipeline.h are the unit
`pipeline`). A unit depends on another when one of its files includes the other's header
or, given the core library, when its object file uses a symbol the other's object file
defines: a call or a global through a header of a third name shows up too.

    layers.py SRC_DIR [INCLUDE_DIR] [libgatunfwd_core.a]

Prints every unit, lowest first, with what it depends on; exits 1 naming each circle.
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def unit(path):
    return os.path.splitext(os.path.basename(path))[0]


def include_edges(dirs):
    edges = {}
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            with open(os.path.join(d, name), encoding="utf-8") as f:
                for inc in INCLUDE.findall(f.read()):
                    edges.setdefault(unit(name), set()).add(unit(inc))
            edges.setdefault(unit(name), set())
    return edges


def symbol_edges(archive):
    """unit → units whose objects define what its object uses (nm over the archive)."""
    defined, used = {}, {}
    for line in subprocess.run(["nm", "-A", archive], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        where, _, rest = line.rpartition(":")
        obj = unit(where.rsplit(":", 1)[-1].removesuffix(".o")).removeprefix("src_")
        kind, name = rest.split()[-2:]
        if kind == "U":
            used.setdefault(obj, set()).add(name)
        elif kind in "TDBR":   # global text, data, bss, read-only data
            defined[name] = obj
    return {obj: {defined[s] for s in names if s in defined} for obj, names in used.items()}


def circles(edges):
    """Strongly connected components of more than one unit (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def lowest_first(edges):
    order, done = [], set()

    def place(v, path):
        if v in done or v in path:
            return
        for w in sorted(edges.get(v, ())):
            place(w, path | {v})
        done.add(v)
        order.append(v)

    for v in sorted(edges):
        place(v, set())
    return order


def main(argv):
    archives = [a for a in argv if a.endswith(".a")]
    edges = include_edges([a for a in argv if not a.endswith(".a")])
    for archive in archives:
        for v, ws in symbol_edges(archive).items():
            edges.setdefault(v, set()).update(ws)
    for v in edges:
        edges[v].discard(v)
    for v in lowest_first(edges):
        print(f"{v}: {' '.join(sorted(edges[v]))}".rstrip())
    sys.stdout.flush()
    found = circles(edges)
    for c in found:
        print("circle: " + ", ".join(c) + " reach each other", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
