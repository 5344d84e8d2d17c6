//! Measurement helpers shared by the benches.
//!
//! Criterion gives absolute times, group by group. Absolute times drift when other
//! processes share the machine (ours has 2 cores and is often compiling), so the
//! *ratios* the performance targets are about are measured here instead with paired,
//! interleaved blocks: a block of the baseline, then a block of the subject, then the
//! other way round, many times over, and the median of the per-pair ratios. Load that
//! comes and goes hits both sides of a pair alike and mostly cancels out.

#![allow(dead_code)] // each bench uses the part it needs

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Criterion with short warm-up and measurement times (the command line may override
/// them), so that a full `cargo bench` stays a few minutes on a small machine.
pub(crate) fn criterion() -> criterion::Criterion {
    criterion::Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// How long one measured block should last: long enough to dwarf `Instant::now()`,
/// short enough that a burst of load rarely spans a whole pair unevenly.
const BLOCK: Duration = Duration::from_micros(200);

/// The result of [`paired`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paired {
    /// Median time of one baseline call.
    pub(crate) base_ns: f64,
    /// Median time of one subject call.
    pub(crate) subject_ns: f64,
    /// Median of the per-pair ratios subject / base.
    pub(crate) ratio: f64,
}

/// Measures `subject` against `base`, interleaved, for about `budget` of wall time.
/// Each closure performs `ops` operations per call; the times are per operation.
pub(crate) fn paired(
    ops: usize,
    budget: Duration,
    mut base: impl FnMut(),
    mut subject: impl FnMut(),
) -> Paired {
    // Warm up and calibrate: iterations per block so that the slower side takes BLOCK.
    let iters = {
        let mut n: u64 = 1;
        loop {
            let a = time(n, &mut base);
            let b = time(n, &mut subject);
            if a.max(b) >= BLOCK / 4 || n >= 1 << 30 {
                let per = a.max(b).as_secs_f64() / n as f64;
                break ((BLOCK.as_secs_f64() / per).ceil() as u64).max(1);
            }
            n *= 2;
        }
    };
    let mut base_times = Vec::new();
    let mut subject_times = Vec::new();
    let mut ratios = Vec::new();
    let start = Instant::now();
    let mut round = 0u64;
    while start.elapsed() < budget || round < 20 {
        // Alternate which side goes first, so a trend within a pair cancels too.
        let (a, b) = if round.is_multiple_of(2) {
            let a = time(iters, &mut base);
            (a, time(iters, &mut subject))
        } else {
            let b = time(iters, &mut subject);
            (time(iters, &mut base), b)
        };
        let per_op = |d: Duration| d.as_secs_f64() * 1e9 / (iters as f64 * ops as f64);
        base_times.push(per_op(a));
        subject_times.push(per_op(b));
        ratios.push(b.as_secs_f64() / a.as_secs_f64());
        round += 1;
    }
    Paired {
        base_ns: median(&mut base_times),
        subject_ns: median(&mut subject_times),
        ratio: median(&mut ratios),
    }
}

/// Median time of one operation of `f` (which performs `ops` per call), measured
/// alone in blocks for about `budget`.
pub(crate) fn alone(ops: usize, budget: Duration, mut f: impl FnMut()) -> f64 {
    let p = paired(ops, budget, || {}, &mut f);
    p.subject_ns
}

fn time(iters: u64, f: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    black_box(start.elapsed())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if !n.is_multiple_of(2) => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Whether the bench binary was started to measure (`cargo bench`), rather than as a
/// quick smoke run (`cargo test --benches`, or `cargo bench -- --test`).
pub(crate) fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

/// The wall-time budget of one paired measurement: `BIND_GUARD_RATIO_SECS` (default 1).
pub(crate) fn budget() -> Duration {
    if !measuring() {
        return Duration::from_millis(5);
    }
    let secs = std::env::var("BIND_GUARD_RATIO_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(secs)
}

/// Whether to skip Criterion and print only the paired ratio tables
/// (`BIND_GUARD_BENCH=ratios`): the quick way to check the targets.
pub(crate) fn ratios_only() -> bool {
    std::env::var("BIND_GUARD_BENCH").is_ok_and(|v| v == "ratios")
}

/// A small deterministic generator (xorshift64*), so every run benches the same lists.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
