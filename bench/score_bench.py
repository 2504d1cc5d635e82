#!/usr/bin/env python3
"""Scoring and loading benchmarks, every contender in one run, several rounds.

Scoring: a generated CSV of 2.3 million sheets for 100,000 members (23 million
with --big), scored by

  xianjiao   xianjiao score --csv              (the product: validates every row)
  duckdb     DuckDB SQL, in-process, timed around the query (incl. CSV output),
             in a fresh Python process per round (no thread pool left running)
  polars     Polars lazy scan_csv + group_by, in-process (incl. CSV output), likewise
  naive      xianjiao-dev naive                (one Rhai call per sheet; skipped with --big)
  floor      bench/floor.rs, a minimal hand-written parser + hash-map sum (rustc -O)

Every round runs each contender once, in turn. For each contender the script
prints the min and median wall time, and for each other contender the ratio
other / xianjiao per round (min and median): > 1 means xianjiao is faster.
All composites of all contenders must agree (to 1e-3), or the run fails.
xianjiao's and the floor's max RSS come from the OS (wait4).

Loading (--load): rule files of 1k, 10k and 100k declarations checked by
`xianjiao check`; prints the time per declaration, which stays flat when
loading is linear.

Usage: bench/score_bench.py [--rounds 3] [--big] [--skip-naive] [--load]
The xianjiao binary is $XIANJIAO or the release build in $CARGO_TARGET_DIR ($XIANJIAO_DEV or xianjiao-dev next to it for naive).
"""
import argparse, csv, os, random, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ITEMS = [("理想信念", 10), ("宗旨意识", 10), ("工作作风", 10), ("组织纪律", 10),
         ("廉洁自律", 10), ("精神状态", 10), ("素质能力", 10), ("工作绩效", 30)]
GROUPS = [("党员互评", 40, 15), ("群众参评", 30, 5), ("支委会考评", 30, 3)]  # name, weight, sheets per member


def generate(path, sheets, members):
    rng = random.Random(2005)
    tmp = path + ".part"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["member", "rater_group"] + [i[0] for i in ITEMS])
        n = 0
        while n < sheets:
            for m in range(members):
                for g, _, k in GROUPS:
                    for _ in range(k):
                        w.writerow([f"党员{m:06d}", g] + [rng.randint(p // 2, p) for _, p in ITEMS])
                        n += 1
                        if n >= sheets:
                            break
                    if n >= sheets:
                        break
                if n >= sheets:
                    break
    os.replace(tmp, path)


# Runs one command and reports "wall maxrss_kb exit_code". A child's max RSS
# counts the memory of the process it was forked from, and this script holds
# DuckDB and Polars (hundreds of MB): so the command is forked from this small
# helper instead, and the helper's own start is not timed.
SPAWN = """
import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
print(time.perf_counter() - t, ru.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def timed(cmd, out):
    """Runs a command with stdout to a file: (wall seconds, max RSS MB, exit code)."""
    r = subprocess.run([sys.executable, "-c", SPAWN, out] + list(cmd), stdout=subprocess.PIPE, check=True, text=True)
    wall, rss, code = r.stdout.split()
    return float(wall), int(rss) / 1024, int(code)


def read_composites(path, key="member", col="composite"):
    out = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            name = r[key].lstrip("'")
            out[name] = float(r[col])
    return out


def duckdb_query(data, out):
    """The DuckDB contender: connect, then time the query (incl. CSV output)."""
    import duckdb
    con = duckdb.connect()
    wsum = " + ".join(f"coalesce(m_{i}, 0) * {w}" for i, (_, w, _) in enumerate(GROUPS))
    wpresent = " + ".join(f"(CASE WHEN m_{i} IS NULL THEN 0 ELSE {w} END)" for i, (_, w, _) in enumerate(GROUPS))
    pivots = ", ".join(f"avg(total) FILTER (WHERE rater_group = '{g}') AS m_{i}" for i, (g, _, _) in enumerate(GROUPS))
    total = " + ".join(f'"{n}"' for n, _ in ITEMS)
    sql = f"""COPY (
        WITH s AS (SELECT member, rater_group, {total} AS total FROM read_csv('{data}', header = true)),
             g AS (SELECT member, {pivots} FROM s GROUP BY member)
        SELECT member, round(({wsum}) / ({wpresent}), 4) AS composite FROM g
    ) TO '{out}' (HEADER)"""
    t = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - t


def polars_query(data, out):
    """The Polars contender: lazy scan_csv + group_by, timed with CSV output."""
    import polars as pl
    weights = {g: float(w) for g, w, _ in GROUPS}
    t = time.perf_counter()
    q = (pl.scan_csv(data)
         .with_columns(pl.sum_horizontal([pl.col(n) for n, _ in ITEMS]).alias("total"))
         .group_by(["member", "rater_group"]).agg(pl.col("total").mean().alias("mean"))
         .with_columns(pl.col("rater_group").replace_strict(weights, return_dtype=pl.Float64).alias("w"))
         .group_by("member").agg(((pl.col("mean") * pl.col("w")).sum() / pl.col("w").sum()).round(4).alias("composite")))
    q.collect().write_csv(out)
    return time.perf_counter() - t


def fmt(xs):
    return f"min {min(xs):7.3f}  median {statistics.median(xs):7.3f}"


def score_bench(a, exe, cache):
    data = os.path.join(cache, f"sheets-{a.sheets}-{a.members}.csv")
    if not os.path.exists(data):
        print(f"generating {data} ...", flush=True)
        generate(data, a.sheets, a.members)
    floor = os.path.join(cache, "floor")
    src = os.path.join(ROOT, "bench", "floor.rs")
    if not os.path.exists(floor) or os.path.getmtime(floor) < os.path.getmtime(src):
        subprocess.run(["rustc", "-C", "opt-level=3", "-C", "codegen-units=1", "--edition", "2021", "-o", floor, src], check=True)
    rules = os.path.join(ROOT, "rules", "guanba.rhai")
    import duckdb, polars as pl
    print(f"input: {a.sheets} sheets, {a.members} members, {os.path.getsize(data) / 1e6:.0f} MB CSV; "
          f"{a.rounds} rounds; duckdb {duckdb.__version__}, polars {pl.__version__}, {os.cpu_count()} cores", flush=True)
    out_d = os.path.join(cache, "out-duckdb.csv")
    out_p = os.path.join(cache, "out-polars.csv")

    # DuckDB and Polars each run in a fresh Python process per round, timed inside it around the
    # query (in-process query time, as the issue asks): their thread pools then cannot linger and
    # take the cores from the next contender, as they did when they lived in this process.
    def child(kind, out):
        r = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, data, out], capture_output=True, text=True, check=True)
        return float(r.stdout.strip().splitlines()[-1])

    def duck():
        return child("duckdb", out_d)

    def polars():
        return child("polars", out_p)

    times = {k: [] for k in ["xianjiao", "duckdb", "polars", "naive", "floor"]}
    rss = {}
    out_x = os.path.join(cache, "out-xianjiao.csv")
    out_f = os.path.join(cache, "out-floor.csv")
    for r in range(a.rounds):
        t, m, code = timed([exe, "score", "--rules", rules, "--csv", data], out_x)
        times["xianjiao"].append(t); rss["xianjiao"] = max(rss.get("xianjiao", 0), m)
        if code != 0:
            print(f"xianjiao exited {code}", file=sys.stderr); return 1
        times["duckdb"].append(duck())
        times["polars"].append(polars())
        t, m, _ = timed([floor, data], out_f)
        times["floor"].append(t); rss["floor"] = max(rss.get("floor", 0), m)
        if not a.skip_naive and not a.big:
            # The naive contender is a developer tool, built next to the shipped binary (not in it).
            dev = os.environ.get("XIANJIAO_DEV") or os.path.join(os.path.dirname(exe), "xianjiao-dev")
            t, m, _ = timed([dev, "naive", "--rules", rules, data], os.path.join(cache, "out-naive.txt"))
            times["naive"].append(t)
        print(f"round {r + 1}: " + "  ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items() if v), flush=True)

    mine = read_composites(out_x)
    bad = 0
    for name, path in [("duckdb", out_d), ("polars", out_p), ("floor", out_f)]:
        other = read_composites(path)
        diff = sum(1 for k, v in other.items() if abs(mine.get(k, -1e9) - v) > 1e-3) + abs(len(other) - len(mine))
        print(f"composites: xianjiao {len(mine)} vs {name} {len(other)}: {diff} differ")
        bad += diff
    print()
    for k, v in times.items():
        if v:
            print(f"{k:9} {fmt(v)} s" + (f"   max RSS {rss[k]:.0f} MB" if k in rss else ""))
    print()
    x = times["xianjiao"]
    for k in ["duckdb", "polars", "naive"]:
        if times[k]:
            rs = [o / m for o, m in zip(times[k], x)]
            print(f"{k} / xianjiao   {fmt(rs)}   (> 1: xianjiao faster)")
    rs = [m / f for m, f in zip(x, times["floor"])]
    print(f"xianjiao / floor  {fmt(rs)}   (how far above the floor)")
    return 1 if bad else 0


def load_bench(a, exe, cache):
    print("rule-file load (xianjiao check), declarations → time; per declaration")
    per = []
    for n in [1_000, 10_000, 100_000]:
        path = os.path.join(cache, f"load-{n}.rhai")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write('role("党员", #{ local: "bench" });\nunit("机关", #{ local: "bench" });\n')
                f.write('phase("学习动员", #{ start: "2005-01-15", end: "2005-03-10", local: "bench" });\n')
                for i in range(n - 3):
                    k = i % 4
                    if k == 0:
                        f.write(f'step("学习动员", "环节{i}", #{{ windows: #{{ 机关: ["2005-01-20", "2005-01-25"] }}, local: "bench" }});\n')
                    elif k == 1:
                        f.write(f'role("角色{i}", #{{ label: "第{i}种", local: "bench" }});\n')
                    else:
                        f.write(f'require("要求{i}", #{{ phase: "学习动员", roles: ["党员"], min: {i % 50}, unit: "学时", due: "环节{i - k}", local: "bench" }});\n')
        ts = []
        for _ in range(a.rounds):
            t, _, code = timed([exe, "check", path], os.devnull)
            ts.append(t)
        med = statistics.median(ts)
        per.append(med / n)
        print(f"{n:>7} declarations   {fmt(ts)} s   {med / n * 1e6:6.1f} µs per declaration (exit {code})", flush=True)
    print(f"growth of the per-declaration time from 1k to 100k: {per[-1] / per[0]:.2f}x (1.0 = linear)")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int)
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--big", action="store_true", help="23 million sheets")
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--load", action="store_true", help="only the rule-file load benchmark")
    ap.add_argument("--dir", default=os.path.join(os.environ.get("XIANJIAO_CACHE", os.path.expanduser("~/.cache/xianjiao")), "bench"))
    a = ap.parse_args()
    a.sheets = a.sheets or (23_000_000 if a.big else 2_300_000)
    os.makedirs(a.dir, exist_ok=True)
    exe = os.environ.get("XIANJIAO") or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "xianjiao")
    if a.load:
        return load_bench(a, exe, a.dir)
    rc = score_bench(a, exe, a.dir)
    print()
    return rc or load_bench(a, exe, a.dir)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":  # one DuckDB or Polars query, in its own process
        print({"duckdb": duckdb_query, "polars": polars_query}[sys.argv[2]](sys.argv[3], sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
