//! SSRF guard: a webhook URL may only reach public internet addresses.
//!
//! The host is resolved and *every* address it resolves to is checked (a name with one public
//! and one private address is refused); the request is then pinned to the vetted addresses, so
//! a DNS answer changing between check and connect (rebinding) cannot redirect it. Redirects
//! are not followed (see [`super::deliver`]).
//!
//! Refused ranges (IANA special-purpose registries, RFC 6890): unspecified, loopback
//! (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
//! fe80::/10), CGNAT shared space (100.64/10, RFC 6598), IETF protocol assignments
//! (192.0.0/24), documentation and benchmarking nets, multicast, reserved 240/4 and broadcast;
//! IPv4-mapped/compatible and NAT64 (64:ff9b::/96) IPv6 addresses are judged by their IPv4.
//!
//! `webhooks_allow_private` (development only) lets loopback, private, link-local and CGNAT
//! addresses through — never the cloud metadata endpoints (169.254.169.254, fd00:ec2::254),
//! unspecified, multicast or broadcast addresses.

use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why a URL was refused; the message is shown to the admin and kept in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not an absolute `http(s)://host` URL.
    #[error("expected an http:// or https:// URL with a host name")]
    Shape,
    /// `user:password@` in the URL (credentials belong in the signature secret).
    #[error("credentials in the URL are not allowed; the signature authenticates Closer")]
    Credentials,
    /// The host name did not resolve.
    #[error("the host name does not resolve")]
    Unresolvable,
    /// The host resolves to an address of a refused range.
    #[error("{address} is a {class} address; webhooks only reach public addresses")]
    Blocked { address: IpAddr, class: &'static str },
}

/// The range `ip` belongs to when it is not a public unicast address; `None` when public.
pub fn classify(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => "cloud metadata",
        _ if ip.is_unspecified() || a == 0 => "unspecified",
        _ if ip.is_broadcast() => "broadcast",
        (127, ..) => "loopback",
        (10, ..) | (172, 16..=31, _) | (192, 168, _) => "private",
        (169, 254, _) => "link-local",
        (100, 64..=127, _) => "CGNAT shared",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, ..) => "multicast",
        (240..=255, ..) => "reserved",
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::a.b.c.d) embed an IPv4 address.
    let embedded = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    Some(match s {
        _ if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) => "cloud metadata",
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        [0, 0, 0, 0, 0, 0, _, _] | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => return classify_v4(embedded),
        [x, ..] if x & 0xfe00 == 0xfc00 => "private (unique local)",
        [x, ..] if x & 0xffc0 == 0xfe80 => "link-local",
        [x, ..] if x & 0xff00 == 0xff00 => "multicast",
        [0x2001, 0xdb8, ..] => "documentation",
        [0x100, 0, 0, 0, ..] => "discard-only",
        _ => return None,
    })
}

/// Classes `webhooks_allow_private` lets through.
fn allowed_in_development(class: &str) -> bool {
    matches!(class, "loopback" | "private" | "private (unique local)" | "link-local" | "CGNAT shared")
}

/// Checks the URL's shape: absolute `http`/`https` with a host, no credentials.
pub fn parse(url: &str) -> Result<Url, Refusal> {
    let url = Url::parse(url.trim()).map_err(|_| Refusal::Shape)?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Refusal::Shape);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Credentials);
    }
    Ok(url)
}

/// Resolves `url`'s host and returns its addresses (with the URL's port) when every one of
/// them may be reached; `allow_private` is the `webhooks_allow_private` setting.
///
/// Errors: [`Refusal::Unresolvable`] when the name has no address, [`Refusal::Blocked`] naming
/// the first refused address.
pub async fn vet(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, Refusal> {
    let port = url.port_or_known_default().ok_or(Refusal::Shape)?;
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| Refusal::Unresolvable)?
            .collect(),
        None => return Err(Refusal::Shape),
    };
    if addresses.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    for address in &addresses {
        if let Some(class) = classify(address.ip())
            && !(allow_private && allowed_in_development(class))
        {
            return Err(Refusal::Blocked { address: address.ip(), class });
        }
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(ip: &str) -> Option<&'static str> {
        classify(ip.parse().unwrap())
    }

    #[test]
    fn classifies_special_ranges() {
        for (ip, want) in [
            ("127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.31.255.255", Some("private")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private")),
            ("169.254.169.254", Some("cloud metadata")),
            ("169.254.1.1", Some("link-local")),
            ("100.64.0.1", Some("CGNAT shared")),
            ("100.128.0.1", None),
            ("0.0.0.0", Some("unspecified")),
            ("224.0.0.1", Some("multicast")),
            ("255.255.255.255", Some("broadcast")),
            ("8.8.8.8", None),
            ("::1", Some("loopback")),
            ("::", Some("unspecified")),
            ("fd00:ec2::254", Some("cloud metadata")),
            ("fd12::1", Some("private (unique local)")),
            ("fe80::1", Some("link-local")),
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:169.254.169.254", Some("cloud metadata")),
            ("64:ff9b::a00:1", Some("private")),
            ("2001:db8::1", Some("documentation")),
            ("2606:4700::1111", None),
        ] {
            assert_eq!(class(ip), want, "{ip}");
        }
    }

    #[test]
    fn parse_refuses_other_schemes_and_credentials() {
        assert_eq!(parse("ftp://example.com/x"), Err(Refusal::Shape));
        assert_eq!(parse("not a url"), Err(Refusal::Shape));
        assert_eq!(parse("https://user:pw@example.com/"), Err(Refusal::Credentials));
        assert!(parse("https://hooks.example.com/closer?x=1").is_ok());
    }

    #[tokio::test]
    async fn vet_refuses_private_unless_allowed_and_metadata_always() {
        let local = parse("http://127.0.0.1:9/hook").unwrap();
        assert!(matches!(vet(&local, false).await, Err(Refusal::Blocked { class: "loopback", .. })));
        assert_eq!(vet(&local, true).await.unwrap(), vec!["127.0.0.1:9".parse().unwrap()]);
        let name = parse("http://localhost:9/hook").unwrap();
        assert!(matches!(vet(&name, false).await, Err(Refusal::Blocked { .. })));
        let metadata = parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(matches!(vet(&metadata, true).await, Err(Refusal::Blocked { class: "cloud metadata", .. })));
        let metadata6 = parse("http://[fd00:ec2::254]/").unwrap();
        assert!(matches!(vet(&metadata6, true).await, Err(Refusal::Blocked { class: "cloud metadata", .. })));
        let public = parse("https://8.8.8.8/hook").unwrap();
        assert_eq!(vet(&public, false).await.unwrap(), vec!["8.8.8.8:443".parse().unwrap()]);
    }
}
