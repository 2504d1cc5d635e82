//! Phase timings for benchmarks: off unless `XIANJIAO_TIMING` is set.

/// With `XIANJIAO_TIMING` set, prints how long a phase took and the process's
/// memory then (current and peak resident size, from /proc where there is one).
pub fn timing(phase: &str, took: std::time::Duration) {
    if std::env::var_os("XIANJIAO_TIMING").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
    };
    eprintln!("timing: {phase} {took:.1?} (RSS {} MB, peak {} MB)", kb("VmRSS:") / 1024, kb("VmHWM:") / 1024);
}
