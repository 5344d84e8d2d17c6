//! Address scopes: what part of the network an address belongs to.
//!
//! The rules come from the IANA IPv4 and IPv6 Special-Purpose Address Registries
//! (RFC 6890 and its updates), copied into `data/iana-ipv4-special.tsv` and
//! `data/iana-ipv6-special.tsv`. The test `tests/registry.rs` reads those files and
//! checks every row against [`Scope::of`], so an update of the registry that changes a
//! scope shows up as a failing test, not as a silent drift.
//!
//! [`Scope::of`] is a `const fn` made of `match`es on integer ranges: the compiler turns
//! them into a comparison tree, so the cost does not grow with the number of registry
//! entries and the same function runs at compile time inside `bind_addr!`.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The scope of an IP address: where packets to (or a socket bound on) it can come from.
///
/// Every scope has a stable lower-case name, printed by [`Display`](fmt::Display) and
/// parsed by [`FromStr`](core::str::FromStr): `unspecified`, `loopback`, `link_local`,
/// `private`, `shared`, `unique_local`, `documentation`, `benchmarking`, `multicast`,
/// `broadcast`, `reserved`, `global`.
///
/// ```
/// use bind_guard::Scope;
/// use std::net::IpAddr;
///
/// let scope = |s: &str| Scope::of(s.parse::<IpAddr>().unwrap());
/// assert_eq!(scope("127.0.0.1"), Scope::Loopback);
/// assert_eq!(scope("0.0.0.0"), Scope::Unspecified); // the wildcard
/// assert_eq!(scope("::ffff:127.0.0.1"), Scope::Loopback); // IPv4-mapped
/// assert_eq!(scope("10.1.2.3").to_string(), "private");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scope {
    /// `0.0.0.0` and `::` (and `::ffff:0.0.0.0`): not a destination. Bound, it is the
    /// *wildcard*: the socket listens on every interface of the host.
    Unspecified,
    /// `127.0.0.0/8` and `::1` (RFC 1122, RFC 4291): this host only; the kernel drops
    /// packets for them that arrive from a network (for IPv4, unless Linux's
    /// `route_localnet` sysctl is on).
    Loopback,
    /// `169.254.0.0/16` (RFC 3927) and `fe80::/10` (RFC 4291): link-local, not forwarded
    /// by routers (a socket on one is still reached through any interface a packet for
    /// it arrives on, except IPv6 ones, which their zone ties to one interface).
    LinkLocal,
    /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` (RFC 1918): private-use networks.
    Private,
    /// `100.64.0.0/10` (RFC 6598): carrier-grade NAT shared address space.
    Shared,
    /// `fc00::/7` (RFC 4193): IPv6 unique local addresses.
    UniqueLocal,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24` (RFC 5737), `2001:db8::/32`
    /// (RFC 3849) and `3fff::/20` (RFC 9637): for examples, never on a real network.
    Documentation,
    /// `198.18.0.0/15` (RFC 2544) and `2001:2::/48` (RFC 5180): benchmarking networks.
    Benchmarking,
    /// `224.0.0.0/4` (RFC 5771) and `ff00::/8` (RFC 4291): multicast groups.
    Multicast,
    /// `255.255.255.255` (RFC 919, RFC 8190): the limited broadcast address.
    Broadcast,
    /// A special-purpose block that is not globally reachable and has no scope of its own
    /// above, and IPv6 space outside `2000::/3`.
    Reserved,
    /// Globally reachable: any other IPv4 address, IPv6 in `2000::/3`, and registry blocks
    /// whose *globally reachable* flag is `True`.
    Global,
}

/// All scopes, in declaration order.
#[doc(hidden)]
pub const ALL_SCOPES: [Scope; 12] = [
    Scope::Unspecified,
    Scope::Loopback,
    Scope::LinkLocal,
    Scope::Private,
    Scope::Shared,
    Scope::UniqueLocal,
    Scope::Documentation,
    Scope::Benchmarking,
    Scope::Multicast,
    Scope::Broadcast,
    Scope::Reserved,
    Scope::Global,
];

impl Scope {
    /// The scope of `ip`.
    ///
    /// 1. An IPv4-mapped IPv6 address (`::ffff:0:0/96`) has the scope of the IPv4 address
    ///    it carries, because a socket bound to it binds that IPv4 address:
    ///    `::ffff:127.0.0.1` is loopback and `::ffff:0.0.0.0` is the wildcard. (This differs
    ///    on purpose from [`Ipv6Addr::is_loopback`].) IPv4-*compatible* `::a.b.c.d` is not
    ///    treated as IPv4.
    /// 2. `0.0.0.0` and `::` are [`Scope::Unspecified`].
    /// 3. Otherwise the most specific IANA special-purpose registry entry that contains
    ///    the address decides.
    /// 4. Outside the registry: multicast blocks are [`Scope::Multicast`]; other IPv4 is
    ///    [`Scope::Global`]; IPv6 in `2000::/3` is global and the rest is reserved.
    ///
    /// ```
    /// use bind_guard::Scope;
    /// use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    ///
    /// const LO: Scope = Scope::of(IpAddr::V6(Ipv6Addr::LOCALHOST));
    /// assert_eq!(LO, Scope::Loopback);
    /// assert_eq!(Scope::of(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7))), Scope::Documentation);
    /// ```
    #[must_use]
    pub const fn of(ip: IpAddr) -> Scope {
        match ip {
            IpAddr::V4(v4) => Scope::of_v4(v4),
            IpAddr::V6(v6) => Scope::of_v6(v6),
        }
    }

    /// The scope of an IPv4 address (see [`Scope::of`]).
    #[must_use]
    pub const fn of_v4(ip: Ipv4Addr) -> Scope {
        // Arms are ordered most specific first: a nested registry block (192.0.0.9/32
        // inside 192.0.0.0/24) must win over the block around it.
        match ip.to_bits() {
            0x0000_0000 => Scope::Unspecified,
            // 0.0.0.0/8 "This network" (RFC 791): not globally reachable.
            0x0000_0001..=0x00FF_FFFF => Scope::Reserved,
            // 10.0.0.0/8 Private-Use (RFC 1918).
            0x0A00_0000..=0x0AFF_FFFF => Scope::Private,
            // 100.64.0.0/10 Shared Address Space (RFC 6598).
            0x6440_0000..=0x647F_FFFF => Scope::Shared,
            // 127.0.0.0/8 Loopback (RFC 1122).
            0x7F00_0000..=0x7FFF_FFFF => Scope::Loopback,
            // 169.254.0.0/16 Link Local (RFC 3927).
            0xA9FE_0000..=0xA9FE_FFFF => Scope::LinkLocal,
            // 172.16.0.0/12 Private-Use (RFC 1918).
            0xAC10_0000..=0xAC1F_FFFF => Scope::Private,
            // 192.0.0.9/32 PCP Anycast (RFC 7723) and 192.0.0.10/32 TURN Anycast
            // (RFC 8155) are globally reachable inside 192.0.0.0/24.
            0xC000_0009..=0xC000_000A => Scope::Global,
            // The rest of 192.0.0.0/24 IETF Protocol Assignments (RFC 6890): 192.0.0.0/29,
            // 192.0.0.8/32, 192.0.0.170/32 and 192.0.0.171/32 are not globally reachable.
            0xC000_0000..=0xC000_00FF => Scope::Reserved,
            // 192.0.2.0/24 Documentation TEST-NET-1 (RFC 5737).
            0xC000_0200..=0xC000_02FF => Scope::Documentation,
            // 192.31.196.0/24 AS112-v4 (RFC 7535) and 192.52.193.0/24 AMT (RFC 7450) are
            // globally reachable registry blocks.
            0xC01F_C400..=0xC01F_C4FF | 0xC034_C100..=0xC034_C1FF => Scope::Global,
            // 192.88.99.0/24 deprecated 6to4 relay anycast (RFC 7526) and 192.88.99.2/32
            // 6a44-relay anycast (RFC 6751): not globally reachable.
            0xC058_6300..=0xC058_63FF => Scope::Reserved,
            // 192.168.0.0/16 Private-Use (RFC 1918).
            0xC0A8_0000..=0xC0A8_FFFF => Scope::Private,
            // 192.175.48.0/24 Direct Delegation AS112 (RFC 7534): globally reachable.
            0xC0AF_3000..=0xC0AF_30FF => Scope::Global,
            // 198.18.0.0/15 Benchmarking (RFC 2544).
            0xC612_0000..=0xC613_FFFF => Scope::Benchmarking,
            // 198.51.100.0/24 TEST-NET-2 and 203.0.113.0/24 TEST-NET-3 (RFC 5737).
            0xC633_6400..=0xC633_64FF | 0xCB00_7100..=0xCB00_71FF => Scope::Documentation,
            // 224.0.0.0/4 multicast (RFC 5771; not in the special-purpose registry).
            0xE000_0000..=0xEFFF_FFFF => Scope::Multicast,
            // 255.255.255.255/32 Limited Broadcast (RFC 8190), inside 240.0.0.0/4.
            0xFFFF_FFFF => Scope::Broadcast,
            // 240.0.0.0/4 Reserved (RFC 1112).
            0xF000_0000..=0xFFFF_FFFE => Scope::Reserved,
            _ => Scope::Global,
        }
    }

    /// The scope of an IPv6 address (see [`Scope::of`]).
    #[must_use]
    pub const fn of_v6(ip: Ipv6Addr) -> Scope {
        let bits = ip.to_bits();
        // ::ffff:0:0/96 IPv4-mapped (RFC 4291): binding it binds the IPv4 address.
        if bits >> 32 == 0xFFFF {
            return Scope::of_v4(Ipv4Addr::from_bits(bits as u32));
        }
        match bits {
            0 => Scope::Unspecified,
            // ::1/128 Loopback Address (RFC 4291).
            1 => Scope::Loopback,
            // 64:ff9b::/96 IPv4-IPv6 translation (RFC 6052): globally reachable.
            0x0064_ff9b_0000_0000_0000_0000_0000_0000
                ..=0x0064_ff9b_0000_0000_0000_0000_ffff_ffff => Scope::Global,
            // 2001:1::1, 2001:1::2, 2001:1::3 anycast (RFC 7723, RFC 8155, RFC 9665):
            // globally reachable inside 2001::/23.
            0x2001_0001_0000_0000_0000_0000_0000_0001
                ..=0x2001_0001_0000_0000_0000_0000_0000_0003 => Scope::Global,
            // 2001:2::/48 Benchmarking (RFC 5180).
            0x2001_0002_0000_0000_0000_0000_0000_0000
                ..=0x2001_0002_0000_ffff_ffff_ffff_ffff_ffff => Scope::Benchmarking,
            // 2001:3::/32 AMT (RFC 7450): globally reachable.
            0x2001_0003_0000_0000_0000_0000_0000_0000
                ..=0x2001_0003_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Global,
            // 2001:4:112::/48 AS112-v6 (RFC 7535): globally reachable.
            0x2001_0004_0112_0000_0000_0000_0000_0000
                ..=0x2001_0004_0112_ffff_ffff_ffff_ffff_ffff => Scope::Global,
            // 2001:20::/28 ORCHIDv2 (RFC 7343) and 2001:30::/28 DETs (RFC 9374): globally
            // reachable.
            0x2001_0020_0000_0000_0000_0000_0000_0000
                ..=0x2001_003f_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Global,
            // The rest of 2001::/23 IETF Protocol Assignments (RFC 2928), including TEREDO
            // 2001::/32 and the deprecated ORCHID 2001:10::/28: not globally reachable.
            0x2001_0000_0000_0000_0000_0000_0000_0000
                ..=0x2001_01ff_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Reserved,
            // 2001:db8::/32 Documentation (RFC 3849).
            0x2001_0db8_0000_0000_0000_0000_0000_0000
                ..=0x2001_0db8_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Documentation,
            // 2002::/16 6to4 (RFC 3056): globally reachable "N/A" in the registry.
            0x2002_0000_0000_0000_0000_0000_0000_0000
                ..=0x2002_ffff_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Reserved,
            // 2620:4f:8000::/48 Direct Delegation AS112 (RFC 7534): globally reachable.
            0x2620_004f_8000_0000_0000_0000_0000_0000
                ..=0x2620_004f_8000_ffff_ffff_ffff_ffff_ffff => Scope::Global,
            // 3fff::/20 Documentation (RFC 9637).
            0x3fff_0000_0000_0000_0000_0000_0000_0000
                ..=0x3fff_0fff_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Documentation,
            // Everything else in 2000::/3 is global unicast.
            0x2000_0000_0000_0000_0000_0000_0000_0000
                ..=0x3fff_ffff_ffff_ffff_ffff_ffff_ffff_ffff => Scope::Global,
            // fc00::/7 Unique-Local (RFC 4193).
            0xfc00_0000_0000_0000_0000_0000_0000_0000
                ..=0xfdff_ffff_ffff_ffff_ffff_ffff_ffff_ffff => Scope::UniqueLocal,
            // fe80::/10 Link-Local Unicast (RFC 4291).
            0xfe80_0000_0000_0000_0000_0000_0000_0000
                ..=0xfebf_ffff_ffff_ffff_ffff_ffff_ffff_ffff => Scope::LinkLocal,
            // ff00::/8 multicast (RFC 4291; not in the special-purpose registry).
            0xff00_0000_0000_0000_0000_0000_0000_0000..=u128::MAX => Scope::Multicast,
            // 64:ff9b:1::/48 (RFC 8215), 100::/64 discard-only (RFC 6666), 100:0:0:1::/64
            // dummy prefix (RFC 9780) and 5f00::/16 SRv6 SIDs (RFC 9602) are not globally
            // reachable; neither is the rest of the space outside 2000::/3.
            _ => Scope::Reserved,
        }
    }

    /// The stable lower-case name of this scope, as printed by `Display`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Scope::Unspecified => "unspecified",
            Scope::Loopback => "loopback",
            Scope::LinkLocal => "link_local",
            Scope::Private => "private",
            Scope::Shared => "shared",
            Scope::UniqueLocal => "unique_local",
            Scope::Documentation => "documentation",
            Scope::Benchmarking => "benchmarking",
            Scope::Multicast => "multicast",
            Scope::Broadcast => "broadcast",
            Scope::Reserved => "reserved",
            Scope::Global => "global",
        }
    }

    /// Whether this is the loopback scope (`127.0.0.0/8`, `::1`, and their IPv4-mapped
    /// forms), like [`Ipv4Addr::is_loopback`].
    ///
    /// A socket bound here is reachable from this host's own programs — and, on Linux
    /// with `net.ipv4.conf.*.route_localnet=1` (set by kube-proxy), from neighbours that
    /// route `127.0.0.0/8` to this host. Any web page in a local browser can also send it
    /// requests; see the crate docs on DNS rebinding.
    #[must_use]
    pub const fn is_loopback(self) -> bool {
        matches!(self, Scope::Loopback)
    }

    /// Whether this scope belongs to a local network: loopback, link-local, private,
    /// shared (CGNAT) or unique-local. This is the set `Policy::local` allows.
    #[must_use]
    pub const fn is_local_network(self) -> bool {
        matches!(
            self,
            Scope::Loopback
                | Scope::LinkLocal
                | Scope::Private
                | Scope::Shared
                | Scope::UniqueLocal
        )
    }

    /// All scopes, in declaration order.
    pub fn all() -> impl ExactSizeIterator<Item = Scope> + Clone {
        ALL_SCOPES.into_iter()
    }

    /// A one-bit mask for this scope: the scope rules (`bind_guard`'s `rule` module) are
    /// sets of these bits.
    #[doc(hidden)]
    #[must_use]
    pub const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// The error returned when a string is not one of the [`Scope`] names.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown scope name; expected one of: unspecified, loopback, link_local, private, shared, \
     unique_local, documentation, benchmarking, multicast, broadcast, reserved, global"
)]
pub struct ParseScopeError(());

/// The sentence, as `Display` writes it, as `bind_guard`'s error types do: what `main`
/// returning this error prints.
impl fmt::Debug for ParseScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl core::str::FromStr for Scope {
    type Err = ParseScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::all()
            .find(|scope| scope.name() == s)
            .ok_or(ParseScopeError(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use core::str::FromStr;

    fn v4(s: &str) -> Scope {
        Scope::of(IpAddr::V4(s.parse().unwrap()))
    }
    fn v6(s: &str) -> Scope {
        Scope::of(IpAddr::V6(s.parse().unwrap()))
    }

    #[test]
    fn wildcard_in_every_family_is_unspecified() {
        assert_eq!(v4("0.0.0.0"), Scope::Unspecified);
        assert_eq!(v6("::"), Scope::Unspecified);
        assert_eq!(v6("::ffff:0.0.0.0"), Scope::Unspecified);
    }

    #[test]
    fn mapped_takes_the_ipv4_scope_but_compatible_does_not() {
        assert_eq!(v6("::ffff:127.0.0.1"), Scope::Loopback);
        assert_eq!(v6("::ffff:10.0.0.1"), Scope::Private);
        assert_eq!(v6("::ffff:8.8.8.8"), Scope::Global);
        // IPv4-compatible (deprecated) addresses are plain IPv6 outside 2000::/3.
        assert_eq!(v6("::127.0.0.1"), Scope::Reserved);
        assert_eq!(v6("::8.8.8.8"), Scope::Reserved);
    }

    #[test]
    fn nested_blocks_take_the_most_specific_entry() {
        assert_eq!(v4("192.0.0.8"), Scope::Reserved);
        assert_eq!(v4("192.0.0.9"), Scope::Global);
        assert_eq!(v4("192.0.0.10"), Scope::Global);
        assert_eq!(v4("192.0.0.11"), Scope::Reserved);
        assert_eq!(v4("255.255.255.255"), Scope::Broadcast);
        assert_eq!(v4("255.255.255.254"), Scope::Reserved);
        assert_eq!(v6("2001:1::3"), Scope::Global);
        assert_eq!(v6("2001:1::4"), Scope::Reserved);
        assert_eq!(v6("2001:db8::1"), Scope::Documentation);
        assert_eq!(v6("2002::1"), Scope::Reserved);
    }

    #[test]
    fn outside_the_registry() {
        assert_eq!(v4("8.8.8.8"), Scope::Global);
        assert_eq!(v4("224.0.0.1"), Scope::Multicast);
        assert_eq!(v6("ff02::1"), Scope::Multicast);
        assert_eq!(v6("2606:4700::1111"), Scope::Global);
        assert_eq!(v6("4000::1"), Scope::Reserved);
    }

    #[test]
    fn names_round_trip_and_are_distinct() {
        for scope in Scope::all() {
            assert_eq!(Scope::from_str(&scope.to_string()), Ok(scope));
        }
        assert!(Scope::from_str("Loopback").is_err());
        let bits: u16 = Scope::all().map(Scope::bit).fold(0, |a, b| a | b);
        assert_eq!(bits.count_ones(), 12);
    }
}
