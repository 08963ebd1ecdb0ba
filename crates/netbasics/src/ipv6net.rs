//! (being written)

/// An IPv6 address with a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Net;
