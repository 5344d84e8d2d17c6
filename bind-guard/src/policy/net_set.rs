//! A set of IP networks with a lookup whose cost does not depend on how many networks
//! there are.
//!
//! The networks are flattened into sorted, disjoint, inclusive ranges of integers (one
//! list per family; overlapping and adjacent networks merge). A direct index on the
//! leading bits then says, for each of up to 2^16 buckets of the address space, which
//! ranges can hold an address of that bucket: a lookup is one table read and a search
//! among the one or two ranges of its bucket, so a list of 10,000 networks costs about
//! what a list of one does. The bucket bits start after the bits that every range shares
//! (all of 2000::/3, say), so IPv6 lists spread over the buckets too.
//!
//! The index has at least twice as many buckets as ranges (up to 2^16), so for lists
//! spread over the address space a bucket holds about one range. Ranges crowded into one
//! bucket (thousands of host routes inside one /16, say) are still found by a binary
//! search within the bucket: never slower than a plain binary search over the list.

use alloc::vec::Vec;
use core::net::IpAddr;

use ipnet::IpNet;

/// The index never has more than 2^16 buckets (256 KiB of `u32`s).
const MAX_INDEX_BITS: u32 = 16;

/// A set of networks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct NetSet {
    /// The networks as given, for display and introspection.
    nets: Vec<IpNet>,
    v4: Ranges<u32>,
    v6: Ranges<u128>,
}

impl NetSet {
    pub(crate) const fn new() -> Self {
        NetSet {
            nets: Vec::new(),
            v4: Ranges::new(),
            v6: Ranges::new(),
        }
    }

    /// Adds networks (host bits are ignored: `10.0.0.1/8` means `10.0.0.0/8`).
    pub(crate) fn extend(&mut self, nets: impl IntoIterator<Item = IpNet>) {
        let mut v4 = core::mem::take(&mut self.v4.list);
        let mut v6 = core::mem::take(&mut self.v6.list);
        for net in nets {
            let net = net.trunc();
            match net {
                IpNet::V4(n) => v4.push((n.network().to_bits(), n.broadcast().to_bits())),
                IpNet::V6(n) => v6.push((n.network().to_bits(), n.broadcast().to_bits())),
            }
            self.nets.push(net);
        }
        self.v4 = Ranges::build(v4);
        self.v6 = Ranges::build(v6);
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
            IpAddr::V4(v4) => self.v4.contains(v4.to_bits()),
            IpAddr::V6(v6) => self.v6.contains(v6.to_bits()),
        }
    }
}

/// Sorted, disjoint, non-adjacent inclusive ranges with a bucket index over them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Ranges<T> {
    list: Vec<(T, T)>,
    /// The leading bits every range shares (those of the lowest start and the highest
    /// end); the bucket of an address is made of the `bits` bits after them.
    skip: u32,
    bits: u32,
    /// `first[b]` is the index of the first range that ends in bucket `b` or later;
    /// one entry per bucket and a last one equal to the number of ranges.
    first: Vec<u32>,
}

impl<T: Key> Ranges<T> {
    const fn new() -> Self {
        Ranges {
            list: Vec::new(),
            skip: 0,
            bits: 0,
            first: Vec::new(),
        }
    }

    fn build(mut list: Vec<(T, T)>) -> Self {
        merge(&mut list);
        let (Some(&(low, _)), Some(&(_, high))) = (list.first(), list.last()) else {
            return Ranges::new();
        };
        let skip = T::common_prefix(low, high);
        // ceil(log2(2 * len)): at least two buckets per range.
        let wanted = usize::BITS - (list.len().saturating_mul(2) - 1).leading_zeros();
        let bits = wanted.min(MAX_INDEX_BITS).min(T::BITS - skip);
        let buckets = 1usize << bits;
        let mut first = Vec::with_capacity(buckets + 1);
        let mut i = 0;
        for bucket in 0..=buckets {
            while list
                .get(i)
                .is_some_and(|&(_, end)| end.bucket(skip, bits) < bucket)
            {
                i += 1;
            }
            // A set of more than 4 billion ranges cannot be built in memory anyway.
            first.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        Ranges {
            list,
            skip,
            bits,
            first,
        }
    }

    fn contains(&self, x: T) -> bool {
        let (Some(&(low, _)), Some(&(_, high))) = (self.list.first(), self.list.last()) else {
            return false;
        };
        // Outside [low, high] nothing matches; inside it, x shares the `skip` leading
        // bits of every range, so its bucket is meaningful.
        if x < low || x > high {
            return false;
        }
        let bucket = x.bucket(self.skip, self.bits);
        let (Some(&start), Some(&next)) = (self.first.get(bucket), self.first.get(bucket + 1))
        else {
            return false;
        };
        // Ranges before `start` end before the bucket; ranges from `next + 1` on start
        // after the range at `next`, which ends after the bucket. The range at `next`
        // may start inside the bucket, so it is a candidate too.
        let end = (next as usize + 1).min(self.list.len());
        self.list
            .get(start as usize..end)
            .is_some_and(|candidates| lookup(candidates, x))
    }
}

/// Sorts and merges overlapping or adjacent ranges.
fn merge<T: Key>(ranges: &mut Vec<(T, T)>) {
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

/// An address as an unsigned integer.
trait Key: Copy + Ord {
    const BITS: u32;

    fn checked_succ(self) -> Option<Self>;

    /// How many leading bits `a` and `b` share.
    fn common_prefix(a: Self, b: Self) -> u32;

    /// The `bits` bits of `self` after its first `skip` bits (`skip + bits <= BITS`).
    fn bucket(self, skip: u32, bits: u32) -> usize;
}

/// The two integer widths of IP addresses implement [`Key`] alike.
macro_rules! impl_key {
    ($($int:ty),*) => {$(
        impl Key for $int {
            const BITS: u32 = <$int>::BITS;

            fn checked_succ(self) -> Option<Self> {
                self.checked_add(1)
            }

            fn common_prefix(a: Self, b: Self) -> u32 {
                (a ^ b).leading_zeros()
            }

            fn bucket(self, skip: u32, bits: u32) -> usize {
                if bits == 0 {
                    return 0;
                }
                // skip < BITS because skip + bits <= BITS and bits > 0; the result has at
                // most 16 bits.
                ((self << skip) >> (<$int>::BITS - bits)) as usize
            }
        }
    )*};
}

impl_key!(u32, u128);

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
        assert_eq!(s.v4.list, [(0, u32::MAX)]);
        assert_eq!(s.v6.list, [(0, u128::MAX)]);
        assert!(has(&s, "255.255.255.255") && has(&s, "::"));
        assert_eq!(s.nets().len(), 5);
    }

    #[test]
    fn crowded_and_single_range_indexes() {
        // Everything inside one /16: the index skips the 16 shared bits.
        let hosts: Vec<String> = (0..300)
            .map(|i| format!("10.1.{}.{}/32", i / 7, i % 7 * 3))
            .collect();
        let refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let s = set(&refs);
        assert!(s.v4.skip >= 16, "{}", s.v4.skip);
        assert!(
            has(&s, "10.1.0.3")
                && !has(&s, "10.1.0.4")
                && has(&s, "10.1.42.15")
                && !has(&s, "10.1.42.18")
        );
        assert!(!has(&s, "10.2.0.0") && !has(&s, "10.0.255.255"));
        // One address: no bits left to index on.
        let one = set(&["192.0.2.7/32"]);
        assert_eq!((one.v4.skip, one.v4.bits), (32, 0));
        assert!(has(&one, "192.0.2.7") && !has(&one, "192.0.2.8") && !has(&one, "192.0.2.6"));
    }

    /// The meaning of a set, by the definition: some network contains the address.
    fn naive(nets: &[IpNet], ip: IpAddr) -> bool {
        nets.iter().any(|n| n.contains(&ip))
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
        (any::<u128>(), 0u8..=128, any::<bool>()).prop_map(|(bits, len, cluster)| {
            let bits = if cluster {
                0x2001_0db8_u128 << 96 | (bits & 0xFFFF_FFFF)
            } else {
                bits
            };
            IpNet::V6(
                Ipv6Net::new(Ipv6Addr::from_bits(bits), len)
                    .unwrap()
                    .trunc(),
            )
        })
    }

    fn probes(nets: &[IpNet], extra: &[IpAddr]) -> Vec<IpAddr> {
        let mut out: Vec<IpAddr> = extra.to_vec();
        for net in nets {
            match net {
                IpNet::V4(n) => {
                    let (a, b) = (n.network().to_bits(), n.broadcast().to_bits());
                    for x in [
                        a.wrapping_sub(1),
                        a,
                        a.wrapping_add(1),
                        b.wrapping_sub(1),
                        b,
                        b.wrapping_add(1),
                    ] {
                        out.push(IpAddr::V4(Ipv4Addr::from_bits(x)));
                    }
                }
                IpNet::V6(n) => {
                    let (a, b) = (n.network().to_bits(), n.broadcast().to_bits());
                    for x in [
                        a.wrapping_sub(1),
                        a,
                        a.wrapping_add(1),
                        b.wrapping_sub(1),
                        b,
                        b.wrapping_add(1),
                    ] {
                        out.push(IpAddr::V6(Ipv6Addr::from_bits(x)));
                    }
                }
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
