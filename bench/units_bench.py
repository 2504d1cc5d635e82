#!/usr/bin/env python3
"""Unit-table benchmark (issue 23: "a city the size of 004's rolls up in the CLI in under 1 s").

Generates a city the size of seed 004's ("全市2394个党支部,党员52417人"): nine
county-level folders (the split of tests/golden-units/meizhou/counties.json), one
branch export per branch (a unit record with its roster and each member's
progress, as `xianjiao units` reads it), 2,394 files and 52,417 members in all;
then times, as whole processes, with the release binary:

  city      `xianjiao units --rules rules/meizhou.rhai` on all 2,394 branch files at once
  counties  the nine county roll-ups (`-o 县.json`, one process each, summed per round)
  rollup    the city from the nine county tables (roll-up of roll-ups)

and prints each one's min and median wall time over the rounds, with the city's
max RSS from the OS (wait4); it exits 1 when the city's median is 1 s or more. The totals of the city run and of the roll-up must
both be 2,394 branches and 52,417 members, or the run fails.

Usage: bench/units_bench.py [--rounds 5] [--dir /tmp/xianjiao-units-bench]
The xianjiao binary is $XIANJIAO or the release build in $CARGO_TARGET_DIR.
"""
import argparse, json, os, random, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = os.path.join(ROOT, "rules/meizhou.rhai")
ON = "2005-02-25"
# 学习动员's member items in rules/meizhou.rhai (四会一课一测试); a member has done a random part of them.
ITEMS = ["专题学习讨论会", "先进事迹报告会", "形势报告会", "学习心得交流会", "听党课", "百题测试"]


def binary():
    if os.environ.get("XIANJIAO"):
        return os.environ["XIANJIAO"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "xianjiao")


def generate(root):
    counties = json.load(open(os.path.join(ROOT, "tests/golden-units/meizhou/counties.json"), encoding="utf-8"))
    rng = random.Random(2005)
    shutil.rmtree(root, ignore_errors=True)
    for c in counties:
        d = os.path.join(root, c["unit"])
        os.makedirs(d)
        n, m = c["branches"], c["headcount"]
        sizes = [m // n + (1 if i < m % n else 0) for i in range(n)]
        for i, size in enumerate(sizes):
            members = []
            for _ in range(size):
                role = "党员领导干部" if rng.random() < 0.05 else "党员"
                members.append({"role": role, "progress": {k: True for k in ITEMS if rng.random() < 0.8}})
            rec = {"unit": f"{c['unit']}第{i + 1:03d}党支部", "unit_type": "机关", "members": members,
                   "own": {"上党课": rng.random() < 0.9}}
            with open(os.path.join(d, f"{i + 1:03d}.json"), "w", encoding="utf-8") as f:
                json.dump(rec, f, ensure_ascii=False)
    return [c["unit"] for c in counties]


def run(args):
    """Runs one process; returns (wall seconds, stdout)."""
    t = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}: {err.decode()[:2000]}")
    return wall, out


def max_rss(args):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(args[0], args)
    _, _, ru = os.wait4(pid, 0)
    return ru.ru_maxrss


def check(table, what):
    c = table["total"]["counts"]
    if (c["branches"], c["members"]) != (2394, 52417):
        sys.exit(f"{what}: {c['branches']} branches, {c['members']} members (expected 2394, 52417)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "xianjiao-units-bench"))
    a = ap.parse_args()
    x = binary()
    if not os.access(x, os.X_OK):
        sys.exit(f"{x}: no release build (cargo build --release -p xianjiao-cli, or set XIANJIAO)")
    branches = os.path.join(a.dir, "branches")
    tables = os.path.join(a.dir, "tables")
    counties = generate(branches)
    os.makedirs(tables, exist_ok=True)
    base = [x, "units", "--rules", RULES, "--on", ON]
    city = base + ["--level", "梅州市", branches, "-o", os.path.join(a.dir, "city.json")]
    times = {"city": [], "counties": [], "rollup": []}
    for _ in range(a.rounds):
        times["city"].append(run(city)[0])
        total = 0.0
        for c in counties:
            total += run(base + ["--level", c, os.path.join(branches, c), "-o", os.path.join(tables, c + ".json")])[0]
        times["counties"].append(total)
        times["rollup"].append(run(base + ["--level", "梅州市", tables, "-o", os.path.join(a.dir, "rollup.json")])[0])
    check(json.load(open(os.path.join(a.dir, "city.json"), encoding="utf-8")), "city")
    check(json.load(open(os.path.join(a.dir, "rollup.json"), encoding="utf-8")), "roll-up")
    rss = max_rss(city)
    print(f"units benchmark: 2394 branch files, 52417 members, {a.rounds} rounds ({x})")
    for k, v in times.items():
        print(f"  {k:9s} min {min(v):.3f} s  median {statistics.median(v):.3f} s")
    print(f"  city max RSS {rss / 1024:.1f} MiB")
    med = statistics.median(times["city"])
    print(f"  target: the city in under 1 s on the CLI: {'met' if med < 1 else 'NOT met'} (median {med:.3f} s)")
    if med >= 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
