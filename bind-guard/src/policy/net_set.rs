//! A set of IP networks: inserting one network and looking up one address each cost
//! O(log n), so a list of n networks costs O(n log n) to build, however it is built (a
//! policy text, one `allow_net` call per network, or one `allow_nets` call).
//!
//! IPv4 and IPv6 share one number line: an IPv4 address is stored as its IPv4-mapped
//! IPv6 form (`10.0.0.1` as `::ffff:10.0.0.1`), the address a dual-stack socket binds
//! for it. So an IPv4 network and its mapped spelling (`127.0.0.0/8` and
//! `::ffff:127.0.0.0/104`) are the same entry, an IPv4 address and its mapped form always
//! get the same answer, and an IPv6 network that contains `::ffff:0:0/96` (`::/0`, say)
//! contains every IPv4 address too.
//!
//! The networks become disjoint, non-adjacent inclusive ranges in an ordered map from
//! the first address to the last (overlapping and adjacent networks merge on insert).
//! An earlier version kept sorted ranges with a 2^16-bucket index, rebuilt after every
//! call, which made building a list one network at a time quadratic.
//! `benches/net_set.rs` compares the three lookups at 1 to 1,000 networks: the index
//! never beat a sorted `Vec` searched with `partition_point` (0.98× to 2.5× its time);
//! the map costs about 4 ns more per lookup with one network, the same from 100 on.
//! The map stays because it is the one of the three that also takes one network at a
//! time in O(log n); the sorted `Vec` would move half of itself on each insert.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::IpAddr;

use ipnet::IpNet;

/// A set of networks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct NetSet {
    /// The networks as given (host bits cleared), for display and introspection.
    nets: Vec<IpNet>,
    /// First address -> last address of each merged range, on the shared number line.
    ranges: BTreeMap<u128, u128>,
}

/// `ip` on the shared number line: IPv4 addresses as their IPv4-mapped form.
pub(crate) const fn key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().to_bits(),
        IpAddr::V6(v6) => v6.to_bits(),
    }
}

/// The first and last address of `net` on the shared number line.
fn range(net: IpNet) -> (u128, u128) {
    (key(net.network()), key(net.broadcast()))
}

impl NetSet {
    pub(crate) const fn new() -> Self {
        NetSet {
            nets: Vec::new(),
            ranges: BTreeMap::new(),
        }
    }

    /// Adds networks (host bits are ignored: `10.0.0.1/8` means `10.0.0.0/8`).
    ///
    /// A batch at least an eighth the size of the set is sorted and merged with the set
    /// in one pass, and the map is built from the result in bulk: O(m log m + n), so a
    /// whole policy text or list costs O(n log n) and touches memory in order. Smaller
    /// batches go in one by one, O(log n) each; either way a batch costs no more than
    /// O((m + n/8) log n), so repeated calls never add up to a square.
    pub(crate) fn extend(&mut self, nets: impl IntoIterator<Item = IpNet>) {
        let mut batch: Vec<(u128, u128)> = Vec::new();
        for net in nets {
            let net = net.trunc();
            self.nets.push(net);
            batch.push(range(net));
        }
        // Either path gives the same set; the choice is only about cost (so mutation
        // tests that change this condition survive: they are equivalent mutants).
        if batch.len() < self.ranges.len() / 8 {
            for (first, last) in batch {
                self.insert_range(first, last);
            }
            return;
        }
        batch.sort_unstable();
        let old = core::mem::take(&mut self.ranges);
        let mut merged: Vec<(u128, u128)> = Vec::with_capacity(old.len() + batch.len());
        let mut old = old.into_iter().peekable();
        let mut new = batch.into_iter().peekable();
        // A merge of two sorted sequences, coalescing as it goes.
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) if a <= b => old.next(),
                (Some(_), Some(_)) | (None, Some(_)) => new.next(),
                (Some(_), None) => old.next(),
                (None, None) => break,
            };
            let Some((first, last)) = next else { break };
            match merged.last_mut() {
                Some(prev) if prev.1.checked_add(1).is_none_or(|after| first <= after) => {
                    prev.1 = prev.1.max(last);
                }
                _ => merged.push((first, last)),
            }
        }
        // Sorted, disjoint input: the map is built in bulk, in linear time.
        self.ranges = merged.into_iter().collect();
    }

    /// Adds one network (see [`extend`](NetSet::extend)).
    pub(crate) fn insert(&mut self, net: IpNet) {
        let net = net.trunc();
        self.nets.push(net);
        let (first, last) = range(net);
        self.insert_range(first, last);
    }

    /// Adds the range `[start, end]`, merging it with the ranges it overlaps or touches:
    /// O(log n) amortized (every range it swallows was inserted once and is removed
    /// once).
    fn insert_range(&mut self, mut start: u128, mut end: u128) {
        // The range that starts at or before `start` may overlap or touch it.
        if let Some((&before, &before_end)) = self.ranges.range(..=start).next_back()
            && before_end.checked_add(1).is_none_or(|next| next >= start)
        {
            if before_end >= end {
                return; // already covered
            }
            self.ranges.remove(&before);
            start = before;
        }
        // Ranges that start inside [start, end + 1] merge into it.
        loop {
            let next = match end.checked_add(1) {
                Some(limit) => self.ranges.range(start..=limit).next(),
                None => self.ranges.range(start..).next(),
            };
            let Some((&next_start, &next_end)) = next else {
                break;
            };
            self.ranges.remove(&next_start);
            end = end.max(next_end);
        }
        self.ranges.insert(start, end);
    }

    pub(crate) fn nets(&self) -> &[IpNet] {
        &self.nets
    }

    /// Whether `ip` (or, for IPv4 and IPv4-mapped addresses, its other spelling) is in
    /// one of the networks.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        // Most lists are empty: skip the tree walk and the key conversion.
        if self.ranges.is_empty() {
            return false;
        }
        let x = key(ip);
        self.ranges
            .range(..=x)
            .next_back()
            .is_some_and(|(_, &end)| x <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::{String, ToString};
    use core::net::{Ipv4Addr, Ipv6Addr};
    use ipnet::{Ipv4Net, Ipv6Net};
    use proptest::prelude::*;

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
        // 0.0.0.0/0 is ::ffff:0:0/96 on the shared line, inside ::/0.
        assert_eq!(s.ranges.len(), 1);
        assert_eq!(s.ranges.first_key_value(), Some((&0, &u128::MAX)));
        assert!(has(&s, "255.255.255.255") && has(&s, "::"));
        assert_eq!(s.nets().len(), 5);
    }

    #[test]
    fn crowded_ranges_and_single_hosts() {
        let hosts: Vec<String> = (0..300)
            .map(|i| format!("10.1.{}.{}/32", i / 7, i % 7 * 3))
            .collect();
        let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let s = set(&refs);
        assert!(
            has(&s, "10.1.0.3")
                && !has(&s, "10.1.0.4")
                && has(&s, "10.1.42.15")
                && !has(&s, "10.1.42.18")
        );
        assert!(!has(&s, "10.2.0.0") && !has(&s, "10.0.255.255"));
        let one = set(&["192.0.2.7/32"]);
        assert!(has(&one, "192.0.2.7") && !has(&one, "192.0.2.8") && !has(&one, "192.0.2.6"));
    }

    #[test]
    fn mapped_and_plain_spellings_are_one_entry() {
        let s = set(&["::ffff:127.0.0.0/104"]);
        assert!(has(&s, "127.0.0.1") && has(&s, "::ffff:127.9.9.9"));
        assert!(!has(&s, "128.0.0.0") && !has(&s, "::127.0.0.1"));
        let s = set(&["10.0.0.0/8"]);
        assert!(has(&s, "::ffff:10.1.2.3") && !has(&s, "::ffff:11.0.0.0"));
        let all_v4 = set(&["::ffff:0.0.0.0/96"]);
        assert!(has(&all_v4, "8.8.8.8") && !has(&all_v4, "2001:db8::1"));
        // Touching ranges from both spellings merge into one.
        let s = set(&["10.0.0.0/9", "::ffff:10.128.0.0/105"]);
        assert_eq!(s.ranges.len(), 1);
    }

    #[test]
    fn small_batches_into_a_big_set_merge_like_big_ones() {
        let big: Vec<IpNet> = (0..64u32)
            .map(|i| {
                IpNet::V4(Ipv4Net::new(Ipv4Addr::from_bits(0x0A00_0000 | i << 8), 24).unwrap())
            })
            .collect();
        let mut s = NetSet::new();
        s.extend(big.iter().copied());
        // Two networks against 64 ranges: inserted one by one.
        let small = [
            "10.0.64.0/24".parse::<IpNet>().unwrap(),
            "9.255.255.255/32".parse().unwrap(),
        ];
        s.extend(small);
        assert_eq!(s.ranges.len(), 1);
        assert!(has(&s, "9.255.255.255") && has(&s, "10.0.64.255"));
        assert!(!has(&s, "10.0.65.0") && !has(&s, "9.255.255.254"));
    }

    #[test]
    fn inserts_merge_in_any_order() {
        // Swallows several ranges, extends at both ends, and is swallowed.
        let s = set(&[
            "10.0.0.4/30",
            "10.0.0.16/30",
            "10.0.0.12/30",
            "10.0.0.0/27",
            "10.0.0.8/30",
            "10.0.0.32/32",
        ]);
        assert_eq!(s.ranges.len(), 1);
        assert!(has(&s, "10.0.0.32") && !has(&s, "10.0.0.33"));
        let top = set(&["ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128", "ffff::/16"]);
        assert_eq!(top.ranges.len(), 1);
        assert!(has(&top, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    /// The meaning of a set, by the definition: some network contains the address.
    /// An IPv4 address and its IPv4-mapped form are two spellings of one address.
    fn naive(nets: &[IpNet], ip: IpAddr) -> bool {
        let other = match ip {
            IpAddr::V4(v4) => IpAddr::V6(v4.to_ipv6_mapped()),
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        };
        nets.iter().any(|n| n.contains(&ip) || n.contains(&other))
    }

    /// Networks of every length, often clustered (so that the shared leading bits and
    /// crowded buckets come up), and the addresses at and around their edges.
    fn arb_v4_net() -> impl Strategy<Value = IpNet> {
        (any::<u32>(), 0u8..=32, 0u32..4).prop_map(|(bits, len, cluster)| {
            // Half of the networks fall inside 10.0.0.0/16 or 10.0.0.0/24.
            let bits = match cluster {
                0 => 0x0A00_0000 | (bits & 0xFFFF),
                1 => 0x0A00_0000 | (bits & 0xFF),
                _ => bits,
            };
            IpNet::V4(
                Ipv4Net::new(Ipv4Addr::from_bits(bits), len)
                    .unwrap()
                    .trunc(),
            )
        })
    }

    fn arb_v6_net() -> impl Strategy<Value = IpNet> {
        (any::<u128>(), 0u8..=128, 0u32..3).prop_map(|(bits, len, cluster)| {
            // A third inside 2001:db8::/96, a third IPv4-mapped (::ffff:0:0/96).
            let (bits, len) = match cluster {
                0 => (0x2001_0db8_u128 << 96 | (bits & 0xFFFF_FFFF), len),
                1 => (0xFFFF_u128 << 32 | (bits & 0xFFFF_FFFF), len.max(90)),
                _ => (bits, len),
            };
            IpNet::V6(
                Ipv6Net::new(Ipv6Addr::from_bits(bits), len)
                    .unwrap()
                    .trunc(),
            )
        })
    }

    /// Each end of a network and its two neighbours, wrapping at `max` (the largest
    /// address of the family, as bits).
    fn edges(a: u128, b: u128, max: u128) -> impl Iterator<Item = u128> {
        [
            a.wrapping_sub(1),
            a,
            a.wrapping_add(1),
            b.wrapping_sub(1),
            b,
            b.wrapping_add(1),
        ]
        .into_iter()
        .map(move |x| x & max)
    }

    fn probes(nets: &[IpNet], extra: &[IpAddr]) -> Vec<IpAddr> {
        let mut out: Vec<IpAddr> = extra.to_vec();
        for net in nets {
            match net {
                IpNet::V4(n) => out.extend(
                    edges(
                        n.network().to_bits().into(),
                        n.broadcast().to_bits().into(),
                        u32::MAX.into(),
                    )
                    .filter_map(|x| u32::try_from(x).ok())
                    .map(|x| IpAddr::V4(Ipv4Addr::from_bits(x))),
                ),
                IpNet::V6(n) => out.extend(
                    edges(n.network().to_bits(), n.broadcast().to_bits(), u128::MAX)
                        .map(|x| IpAddr::V6(Ipv6Addr::from_bits(x))),
                ),
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn lookup_agrees_with_a_scan(
            v4 in proptest::collection::vec(arb_v4_net(), 0..40),
            v6 in proptest::collection::vec(arb_v6_net(), 0..20),
            extra4 in proptest::collection::vec(any::<u32>(), 0..20),
            extra6 in proptest::collection::vec(any::<u128>(), 0..10),
        ) {
            let nets: Vec<IpNet> = v4.into_iter().chain(v6).collect();
            let mut s = NetSet::new();
            // Two calls, so that extending an existing set is covered as well.
            let (a, b) = nets.split_at(nets.len() / 2);
            s.extend(a.iter().copied());
            s.extend(b.iter().copied());
            let extra: Vec<IpAddr> = extra4
                .into_iter()
                .map(|x| IpAddr::V4(Ipv4Addr::from_bits(x)))
                .chain(extra6.into_iter().map(|x| IpAddr::V6(Ipv6Addr::from_bits(x))))
                .collect();
            for ip in probes(&nets, &extra) {
                prop_assert_eq!(s.contains(ip), naive(&nets, ip), "{}", ip);
            }
        }

        #[test]
        fn big_lists_agree_with_a_scan(
            v4 in proptest::collection::vec(arb_v4_net(), 500..1500),
            extra4 in proptest::collection::vec(any::<u32>(), 0..200),
        ) {
            let mut s = NetSet::new();
            s.extend(v4.iter().copied());
            let extra: Vec<IpAddr> = extra4
                .into_iter()
                .map(|x| IpAddr::V4(Ipv4Addr::from_bits(x)))
                .collect();
            for ip in probes(&v4, &extra) {
                prop_assert_eq!(s.contains(ip), naive(&v4, ip), "{}", ip);
            }
        }
    }

    #[test]
    fn host_bits_are_ignored() {
        let s = set(&["10.0.0.1/8"]);
        assert!(has(&s, "10.9.9.9"));
        assert_eq!(s.nets()[0].to_string(), "10.0.0.0/8");
    }
}
