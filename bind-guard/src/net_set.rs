//! A set of IP networks with a lookup whose cost does not depend on how the networks
//! were written.
//!
//! The networks are flattened into sorted, disjoint, inclusive ranges of integers (one
//! list per family; overlapping and adjacent networks merge), so a lookup is one
//! binary search: about log2(n) comparisons of integers, with no scan.

use alloc::vec::Vec;
use core::net::IpAddr;

use ipnet::IpNet;

/// A set of networks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct NetSet {
    /// The networks as given, for display and introspection.
    nets: Vec<IpNet>,
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl NetSet {
    pub(crate) const fn new() -> Self {
        NetSet {
            nets: Vec::new(),
            v4: Vec::new(),
            v6: Vec::new(),
        }
    }

    /// Adds networks (host bits are ignored: `10.0.0.1/8` means `10.0.0.0/8`).
    pub(crate) fn extend(&mut self, nets: impl IntoIterator<Item = IpNet>) {
        for net in nets {
            let net = net.trunc();
            match net {
                IpNet::V4(n) => self
                    .v4
                    .push((n.network().to_bits(), n.broadcast().to_bits())),
                IpNet::V6(n) => self
                    .v6
                    .push((n.network().to_bits(), n.broadcast().to_bits())),
            }
            self.nets.push(net);
        }
        merge(&mut self.v4);
        merge(&mut self.v6);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    pub(crate) fn nets(&self) -> &[IpNet] {
        &self.nets
    }

    /// Whether `ip` is in one of the networks.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => lookup(&self.v4, v4.to_bits()),
            IpAddr::V6(v6) => lookup(&self.v6, v6.to_bits()),
        }
    }
}

/// Sorts and merges overlapping or adjacent ranges.
fn merge<T: Copy + Ord + CheckedSucc>(ranges: &mut Vec<(T, T)>) {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges.iter() {
        match merged.last_mut() {
            Some(last) if last.1.checked_succ().is_none_or(|next| start <= next) => {
                last.1 = last.1.max(end);
            }
            _ => merged.push((start, end)),
        }
    }
    *ranges = merged;
}

/// Whether `x` falls in one of the sorted disjoint `ranges`.
fn lookup<T: Copy + Ord>(ranges: &[(T, T)], x: T) -> bool {
    // The first range that starts after x; the one before it is the only candidate.
    let after = ranges.partition_point(|&(start, _)| start <= x);
    match after.checked_sub(1).and_then(|i| ranges.get(i)) {
        Some(&(_, end)) => x <= end,
        None => false,
    }
}

trait CheckedSucc: Sized {
    fn checked_succ(self) -> Option<Self>;
}

impl CheckedSucc for u32 {
    fn checked_succ(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl CheckedSucc for u128 {
    fn checked_succ(self) -> Option<Self> {
        self.checked_add(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn set(nets: &[&str]) -> NetSet {
        let mut set = NetSet::new();
        set.extend(nets.iter().map(|n| n.parse::<IpNet>().unwrap()));
        set
    }

    fn has(set: &NetSet, ip: &str) -> bool {
        set.contains(ip.parse().unwrap())
    }

    #[test]
    fn contains_exactly_the_networks() {
        let s = set(&["10.0.0.0/8", "192.168.1.0/24", "fd00::/8", "0.0.0.0/32"]);
        assert!(has(&s, "10.0.0.0") && has(&s, "10.255.255.255"));
        assert!(!has(&s, "11.0.0.0") && !has(&s, "9.255.255.255"));
        assert!(has(&s, "192.168.1.77") && !has(&s, "192.168.2.1"));
        assert!(has(&s, "fdff::1") && !has(&s, "fe00::"));
        assert!(has(&s, "0.0.0.0") && !has(&s, "0.0.0.1"));
        assert!(!has(&set(&[]), "1.2.3.4"));
    }

    #[test]
    fn overlapping_adjacent_and_full_ranges_merge() {
        let s = set(&[
            "10.0.0.0/9",
            "10.128.0.0/9",
            "10.1.0.0/16",
            "0.0.0.0/0",
            "::/0",
        ]);
        assert_eq!(s.v4, [(0, u32::MAX)]);
        assert_eq!(s.v6, [(0, u128::MAX)]);
        assert!(has(&s, "255.255.255.255") && has(&s, "::"));
        assert_eq!(s.nets().len(), 5);
    }

    #[test]
    fn host_bits_are_ignored() {
        let s = set(&["10.0.0.1/8"]);
        assert!(has(&s, "10.9.9.9"));
        assert_eq!(s.nets()[0].to_string(), "10.0.0.0/8");
    }
}
