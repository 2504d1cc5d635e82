#!/usr/bin/env python3
"""Scores a generated file of 2.3 million sheets for 100,000 members three ways,
in one run, and prints the ratios:

  1. xianjiao score --csv            (streaming Rust, rules read once)
  2. DuckDB SQL on the same CSV      (pip install duckdb; in-process, timed around the query)
  3. xianjiao score --naive-rhai     (one Rhai function call per sheet)

Usage: bench/score_bench.py [--sheets N] [--members M] [--skip-naive]
The xianjiao binary is taken from $XIANJIAO (default: release build in $CARGO_TARGET_DIR).
"""
import argparse, csv, os, random, resource, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ITEMS = [("理想信念", 10), ("宗旨意识", 10), ("工作作风", 10), ("组织纪律", 10),
         ("廉洁自律", 10), ("精神状态", 10), ("素质能力", 10), ("工作绩效", 30)]
GROUPS = [("党员互评", 40, 15), ("群众参评", 30, 5), ("支委会考评", 30, 3)]  # name, weight, sheets per member


def generate(path, sheets, members):
    rng = random.Random(2005)
    per = sum(g[2] for g in GROUPS)
    with open(path, "w", newline="") as f:
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
                            return
            if per * members >= sheets:
                break


def child_maxrss_mb():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(cmd, out):
    t = time.perf_counter()
    with open(out, "w") as f:
        subprocess.run(cmd, stdout=f, check=False)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=2_300_000)
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--dir", default=os.path.join(os.environ.get("XIANJIAO_CACHE", os.path.expanduser("~/.cache/xianjiao")), "bench"))
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    data = os.path.join(a.dir, f"sheets-{a.sheets}-{a.members}.csv")
    if not os.path.exists(data):
        print(f"generating {data} ...", flush=True)
        generate(data, a.sheets, a.members)
    size = os.path.getsize(data) / 1e6
    exe = os.environ.get("XIANJIAO") or os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "xianjiao")
    rules = os.path.join(ROOT, "rules", "guanba.rhai")
    print(f"input: {a.sheets} sheets, {a.members} members, {size:.0f} MB CSV")

    t_x = run([exe, "score", "--rules", rules, "--csv", data], os.path.join(a.dir, "out-xianjiao.csv"))
    rss_x = child_maxrss_mb()
    print(f"xianjiao score        {t_x:8.3f} s   max RSS {rss_x:.0f} MB", flush=True)

    import duckdb
    con = duckdb.connect()
    wsum = " + ".join(f"coalesce(m_{i}, 0) * {w}" for i, (_, w, _) in enumerate(GROUPS))
    pivots = ", ".join(f"avg(total) FILTER (WHERE rater_group = '{g}') AS m_{i}" for i, (g, _, _) in enumerate(GROUPS))
    total = " + ".join(f'"{n}"' for n, _ in ITEMS)
    sql = f"""COPY (
        WITH s AS (SELECT member, rater_group, {total} AS total FROM read_csv('{data}', header = true)),
             g AS (SELECT member, {pivots} FROM s GROUP BY member)
        SELECT member, round(({wsum}) / 100.0, 4) AS composite FROM g
    ) TO '{os.path.join(a.dir, "out-duckdb.csv")}' (HEADER)"""
    t = time.perf_counter()
    con.execute(sql)
    t_d = time.perf_counter() - t
    print(f"duckdb {duckdb.__version__:<14} {t_d:8.3f} s   ({os.cpu_count()} threads)", flush=True)

    # Same composites?
    mine = {}
    with open(os.path.join(a.dir, "out-xianjiao.csv")) as f:
        for r in csv.DictReader(f):
            mine[r["member"]] = float(r["composite"])
    diff = 0
    with open(os.path.join(a.dir, "out-duckdb.csv")) as f:
        for r in csv.DictReader(f):
            if abs(mine.get(r["member"], -1) - float(r["composite"])) > 1e-3:
                diff += 1
    print(f"members compared: {len(mine)}, composites differing: {diff}")

    print(f"ratio duckdb / xianjiao      = {t_d / t_x:6.2f}x")
    if not a.skip_naive:
        t_n = run([exe, "score", "--rules", rules, "--naive-rhai", data], os.path.join(a.dir, "out-naive.txt"))
        print(f"naive rhai per sheet  {t_n:8.3f} s", flush=True)
        print(f"ratio naive-rhai / xianjiao  = {t_n / t_x:6.2f}x")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
