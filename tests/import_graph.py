#!/usr/bin/env python3
"""The import graph of a crate, file by file, and its cycles (issue 17: nothing circles).

    python3 tests/import_graph.py core/src reader/src cli/src     # edges and cycles; exit 1 on a cycle
    python3 tests/import_graph.py --dot core/src        # the graph as Graphviz dot

A module imports another when its code (outside `#[cfg(test)]`) names a path into it:
`crate::a::b`, `super::x` (resolved against the module tree), or a child module it declares
(`mod x;` and `x::…`). The longest path prefix that is a module is the target; naming an item
of a module (`crate::diag::Location`) counts as importing that module.
"""
import os
import re
import sys


def modules(src):
    mods = {}
    for dp, _, fn in os.walk(src):
        for f in fn:
            if not f.endswith('.rs') or os.path.join(dp, f).startswith(os.path.join(src, 'bin')):
                continue
            rel = os.path.relpath(os.path.join(dp, f), src)[:-3]
            parts = [p for p in rel.split(os.sep) if p != 'mod']
            if parts in (['lib'], ['main']):
                parts = []
            text = open(os.path.join(dp, f), encoding='utf-8').read()
            code = re.split(r'#\[cfg\((?:all\()?test', text)[0]
            mods['::'.join(parts)] = re.sub(r'//[^\n]*', '', code)  # comments name paths too
    return mods


def longest(mods, parts):
    for k in range(len(parts), 0, -1):
        cand = '::'.join(parts[:k])
        if cand in mods:
            return cand
    return None


def graph(src):
    mods = modules(src)
    edges = {}
    for m, text in mods.items():
        here = m.split('::') if m else []
        out = set()
        for path in re.findall(r'\bcrate::((?:[a-z_][a-z0-9_]*::)*[a-zA-Z_][a-zA-Z0-9_]*)', text):
            t = longest(mods, path.split('::'))
            if t is not None:
                out.add(t)
        for path in re.findall(r'(?<![:\w])((?:super::)+(?:[a-z_][a-z0-9_]*::)*[a-zA-Z_][a-zA-Z0-9_]*)', text):
            parts = path.split('::')
            base = list(here)
            while parts and parts[0] == 'super':
                parts.pop(0)
                base = base[:-1]
            t = longest(mods, base + parts) if parts else None
            out.add(t if t is not None else '::'.join(base))
        for child in re.findall(r'^\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;', text, re.M):
            c = '::'.join(here + [child])
            if c in mods and re.search(r'(?<![:\w])' + child + r'::', text):
                out.add(c)
        out.discard(m)
        edges[m] = sorted(x for x in out if x in mods)
    return edges


def cycles(edges):
    found, color = [], {}

    def dfs(u, stack):
        color[u] = 1
        stack.append(u)
        for v in edges.get(u, ()):
            if color.get(v) == 1:
                found.append(stack[stack.index(v):] + [v])
            elif not color.get(v):
                dfs(v, stack)
        stack.pop()
        color[u] = 2

    for u in sorted(edges):
        if not color.get(u):
            dfs(u, [])
    return found


def main(argv):
    dot = '--dot' in argv
    bad = 0
    for src in [a for a in argv if a != '--dot']:
        e = graph(src)
        name = lambda m: m or '(crate root)'
        if dot:
            print('digraph "%s" {' % src)
            for u, vs in sorted(e.items()):
                for v in vs:
                    print('  "%s" -> "%s";' % (name(u), name(v)))
            print('}')
            continue
        cyc = cycles(e)
        print('%s: %d modules, %d imports, %d cycles' % (src, len(e), sum(map(len, e.values())), len(cyc)))
        for c in cyc:
            print('  cycle: ' + ' -> '.join(map(name, c)))
        bad += len(cyc)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
