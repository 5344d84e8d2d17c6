//! At most one warning per refused host, in fixed memory.
//!
//! A hostile page can send requests for any number of host names, so the record of
//! hosts already warned about cannot grow with them: it is a fixed table of hashes,
//! filled without locks or allocation. When it is full, new hosts are no longer logged
//! (the refusals themselves do not change). A hash collision can hide a host's first
//! warning, never a refusal.

use std::sync::atomic::{AtomicU64, Ordering};

/// Slots in the table; how many distinct refused hosts get a warning.
const SLOTS: usize = 1024;
/// How far to look from a host's slot for a free one.
const PROBES: usize = 16;

pub(crate) struct WarnOnce {
    seen: std::boxed::Box<[AtomicU64]>,
}

impl std::fmt::Debug for WarnOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WarnOnce").finish_non_exhaustive()
    }
}

impl WarnOnce {
    pub(crate) fn new() -> Self {
        Self {
            seen: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Whether this is the first time `key` (a host, any case, and the reason's name)
    /// is seen; records it.
    pub(crate) fn first(&self, key: &[u8], reason: &str) -> bool {
        // FNV-1a over the lowercased key; 0 marks a free slot, so it is never a hash.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in key.iter().chain(b"\0").chain(reason.as_bytes()) {
            hash ^= u64::from(b.to_ascii_lowercase());
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let hash = hash | 1;
        let start = usize::try_from(hash % SLOTS as u64).unwrap_or_default();
        for i in 0..PROBES {
            let Some(slot) = self.seen.get((start + i) % SLOTS) else {
                return false;
            };
            match slot.compare_exchange(0, hash, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(existing) if existing == hash => return false,
                Err(_) => {}
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_host_and_bounded() {
        let w = WarnOnce::new();
        assert!(w.first(b"evil.example", "host_not_allowed"));
        assert!(!w.first(b"EVIL.example", "host_not_allowed"));
        assert!(w.first(b"evil.example", "cross_site"));
        let mut firsts = 0;
        for i in 0..10 * SLOTS {
            if w.first(std::format!("h{i}.example").as_bytes(), "x") {
                firsts += 1;
            }
        }
        assert!(firsts < SLOTS, "{firsts}");
    }
}
