//! Which `Host` a request may name. A web page on another origin can point
//! a DNS name of its own at 127.0.0.1 (DNS rebinding) and then read the
//! preview, subscriber view included, as if it were its own site; what
//! gives it away is the `Host` its requests carry, which names the
//! attacker's domain. So the preview answers only requests addressed to
//! the loopback or to the address it listens on, by name or number.
//!
//! Accepted, with any port or none (a tunnel or a port forward changes the
//! port a browser sees, and the port is no defence against rebinding):
//! - `localhost` and names under `.localhost`, which browsers resolve to
//!   the loopback themselves and no DNS server can hand out;
//! - IPv4 literals in 127.0.0.0/8 and `[::1]` (also as `[::ffff:127.x.y.z]`);
//! - the address the preview listens on, written as a literal;
//! - when it listens on every address (`0.0.0.0` or `::`), any IP literal:
//!   the user chose to expose the preview, and a page can only ever be
//!   served to a literal's origin by the machine at that address.
//!
//! Refused: every other name, a missing `Host`, more than one `Host`, and
//! an absolute request target that names another host.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The `Host` values the preview answers, decided by the address it listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPolicy {
    bound: IpAddr,
}

/// A host as written in a `Host` header or an absolute URL, without its port.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Host<'a> {
    /// A registered name (`localhost`, `example.com`), as written.
    Name(&'a str),
    /// An IPv4 literal or a bracketed IPv6 literal.
    Ip(IpAddr),
}

impl HostPolicy {
    /// The policy of a preview listening on `bound`.
    pub fn new(bound: IpAddr) -> Self {
        HostPolicy { bound }
    }

    /// Whether a request whose `Host` is `value` (`host[:port]`) is answered.
    pub fn allows(&self, value: &str) -> bool {
        match parse(value) {
            Some(Host::Name(name)) => is_localhost_name(name),
            Some(Host::Ip(ip)) => is_loopback(ip) || ip == self.bound || self.bound.is_unspecified(),
            None => false,
        }
    }

    /// The hosts accepted, in words, for the refusal page.
    pub fn describe(&self) -> String {
        let mut hosts = String::from("localhost, 127.0.0.1 and [::1]");
        if self.bound.is_unspecified() {
            hosts.push_str(", or any IP address of this machine");
        } else if !is_loopback(self.bound) {
            let shown = match self.bound {
                IpAddr::V6(ip) => format!("[{ip}]"),
                IpAddr::V4(ip) => ip.to_string(),
            };
            hosts.push_str(&format!(", or {shown}"));
        }
        hosts
    }
}

/// Splits `host[:port]` and reads the host; `None` when it is malformed.
fn parse(value: &str) -> Option<Host<'_>> {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = inside.parse().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (Host::Ip(IpAddr::V6(ip)), port)
    } else {
        let (name, port) = match value.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (value, None),
        };
        let host = match name.parse::<Ipv4Addr>() {
            Ok(ip) => Host::Ip(IpAddr::V4(ip)),
            Err(_) => Host::Name(name),
        };
        (host, port)
    };
    // A port is 1 to 5 digits that fit in 16 bits; `:` with nothing after it is refused.
    if let Some(port) = port
        && !(port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok())
    {
        return None;
    }
    Some(host)
}

/// `localhost` or a name under it, in any case; every label must be a
/// plain DNS label (letters, digits, `-`), so `a..localhost` or a trailing dot are refused.
fn is_localhost_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(sub) = lower.strip_suffix("localhost") else {
        return false;
    };
    if sub.is_empty() {
        return true;
    }
    let Some(sub) = sub.strip_suffix('.') else {
        return false;
    };
    sub.split('.').all(|label| !label.is_empty() && label.len() <= 63 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(bound: &str) -> HostPolicy {
        HostPolicy::new(bound.parse().expect("an address"))
    }

    #[test]
    fn loopback_names_and_literals_are_answered_on_any_port() {
        let p = policy("127.0.0.1");
        for host in [
            "localhost",
            "localhost:4400",
            "LocalHost:1",
            "site.localhost:4400",
            "a.b-c.localhost",
            "127.0.0.1",
            "127.0.0.1:4400",
            "127.0.0.1:8080",
            "127.1.2.3:4400",
            "[::1]",
            "[::1]:4400",
            "[::ffff:127.0.0.1]:4400",
        ] {
            assert!(p.allows(host), "{host} refused");
        }
    }

    #[test]
    fn every_other_host_is_refused() {
        let p = policy("127.0.0.1");
        for host in [
            "",
            "evil.example",
            "evil.example:4400",
            "localhost.evil.example",
            "evillocalhost",
            "localhost.",
            "a..localhost",
            ".localhost",
            "a_b.localhost",
            "127.0.0.1.evil.example",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "127.000.000.001",
            "0.0.0.0",
            "10.0.0.1:4400",
            "192.168.1.5",
            "[::]",
            "[::2]",
            "[::1",
            "::1",
            "[::1]x",
            "[::1]:",
            "localhost:",
            "localhost:99999",
            "localhost:44a",
            "localhost:4400:1",
            "user@localhost",
            "localhost/x",
            " localhost",
        ] {
            assert!(!p.allows(host), "{host:?} answered");
        }
    }

    #[test]
    fn the_bound_address_is_answered_and_every_address_when_bound_to_all() {
        let lan = policy("192.168.1.5");
        assert!(lan.allows("192.168.1.5:4400"));
        assert!(lan.allows("localhost:4400"));
        assert!(!lan.allows("192.168.1.6:4400"));
        assert!(!lan.allows("mylaptop.local:4400"));
        assert!(lan.describe().ends_with("or 192.168.1.5"));

        let v6 = policy("fd00::5");
        assert!(v6.allows("[fd00::5]:4400"));
        assert!(!v6.allows("[fd00::6]:4400"));

        for all in [policy("0.0.0.0"), policy("::")] {
            assert!(all.allows("192.168.1.5:4400"));
            assert!(all.allows("10.1.2.3"));
            assert!(all.allows("[fd00::5]:4400"));
            assert!(all.allows("localhost:4400"));
            assert!(!all.allows("evil.example:4400"), "names stay refused");
            assert!(!all.allows("mylaptop.local:4400"));
            assert!(all.describe().contains("any IP address"));
        }
        assert_eq!(policy("127.0.0.1").describe(), "localhost, 127.0.0.1 and [::1]");
    }
}
