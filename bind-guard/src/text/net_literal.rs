//! Network literals (`ADDRESS/LENGTH`) for `ip_net!`, as a `const fn`.
//!
//! The address part uses the same parser as socket addresses. Unlike
//! `ipnet::IpNet::from_str`, host bits after the prefix are an error: `10.0.0.1/8` in a
//! policy list is far more likely a typo than a wish for `10.0.0.0/8`.

use core::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::text::parse;
use crate::{ErrorKind, NetError};

/// Parses a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`) with the rules of
/// [`ip_net!`](crate::ip_net): the address as `std` parses it, a decimal prefix length
/// no longer than the address, and no host bits set after it (`10.0.0.1/8` is an error,
/// where `ipnet`'s own parser would keep the host bits).
///
/// ```
/// use bind_guard::{parse_net, ErrorKind};
///
/// assert_eq!(parse_net("10.0.0.0/8")?.to_string(), "10.0.0.0/8");
/// assert_eq!(parse_net("10.0.0.1/8").unwrap_err().kind(), ErrorKind::HostBits);
/// # Ok::<(), bind_guard::NetError>(())
/// ```
pub fn parse_net(s: &str) -> Result<IpNet, NetError> {
    parse(s.as_bytes()).map_err(|kind| NetError::new(s, kind))
}

/// Parses `ADDRESS/LENGTH` with no host bits set.
pub(crate) const fn parse(s: &[u8]) -> Result<IpNet, ErrorKind> {
    let Some((ip, len)) = split_at_slash(s) else {
        return Err(ErrorKind::InvalidNetwork);
    };
    let Some(ip) = parse::ip_addr(ip) else {
        return Err(ErrorKind::InvalidNetwork);
    };
    let Some(len) = parse::decimal(len, u32::MAX) else {
        return Err(ErrorKind::InvalidNetwork);
    };
    match ip {
        IpAddr::V4(v4) => {
            if len > 32 {
                return Err(ErrorKind::PrefixLength);
            }
            let host_mask = if len == 32 { 0 } else { u32::MAX >> len };
            if v4.to_bits() & host_mask != 0 {
                return Err(ErrorKind::HostBits);
            }
            match Ipv4Net::new(v4, len as u8) {
                Ok(net) => Ok(IpNet::V4(net)),
                Err(_) => Err(ErrorKind::PrefixLength),
            }
        }
        IpAddr::V6(v6) => {
            if len > 128 {
                return Err(ErrorKind::PrefixLength);
            }
            let host_mask = if len == 128 { 0 } else { u128::MAX >> len };
            if v6.to_bits() & host_mask != 0 {
                return Err(ErrorKind::HostBits);
            }
            match Ipv6Net::new(v6, len as u8) {
                Ok(net) => Ok(IpNet::V6(net)),
                Err(_) => Err(ErrorKind::PrefixLength),
            }
        }
    }
}

const fn split_at_slash(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut i = 0;
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'/' {
            return match s.split_at_checked(i) {
                Some((ip, slash_len)) => match slash_len.split_first() {
                    Some((_, len)) => Some((ip, len)),
                    None => None,
                },
                None => None,
            };
        }
        i += 1;
        rest = tail;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Result<IpNet, ErrorKind> {
        parse(s.as_bytes())
    }

    #[test]
    fn networks() {
        assert_eq!(net("10.0.0.0/8"), Ok("10.0.0.0/8".parse().unwrap()));
        assert_eq!(net("0.0.0.0/0"), Ok("0.0.0.0/0".parse().unwrap()));
        assert_eq!(net("::/0"), Ok("::/0".parse().unwrap()));
        assert_eq!(net("fd00::/8"), Ok("fd00::/8".parse().unwrap()));
        assert_eq!(net("192.0.2.1/32"), Ok("192.0.2.1/32".parse().unwrap()));
        assert_eq!(net("::1/128"), Ok("::1/128".parse().unwrap()));
    }

    #[test]
    fn refusals() {
        assert_eq!(net("10.0.0.1/8"), Err(ErrorKind::HostBits));
        assert_eq!(net("fd00::1/8"), Err(ErrorKind::HostBits));
        assert_eq!(net("10.0.0.0/33"), Err(ErrorKind::PrefixLength));
        assert_eq!(net("::/129"), Err(ErrorKind::PrefixLength));
        assert_eq!(net("10.0.0.0/99999999999"), Err(ErrorKind::InvalidNetwork));
        assert_eq!(net("10.0.0.0"), Err(ErrorKind::InvalidNetwork));
        assert_eq!(net("10.0.0.0/"), Err(ErrorKind::InvalidNetwork));
        assert_eq!(net("10.0/8"), Err(ErrorKind::InvalidNetwork));
        assert_eq!(net("/8"), Err(ErrorKind::InvalidNetwork));
    }
}
