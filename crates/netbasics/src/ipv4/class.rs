//! The classes A-E of classful addressing: before CIDR, the first few bits of an address
//! decided how long its network part was. The table on [`Class`] is the whole lesson; the
//! methods read its columns.

use std::fmt;
use std::net::Ipv4Addr;

/// The classes of the classful addressing scheme (RFC 791, 1981), told apart by the
/// leading bits of the first octet.
///
/// | class | leading bits | first octet | default prefix | use |
/// |---|---|---|---|---|
/// | A | `0`    | 0-127   | /8  | unicast |
/// | B | `10`   | 128-191 | /16 | unicast |
/// | C | `110`  | 192-223 | /24 | unicast |
/// | D | `1110` | 224-239 | -   | multicast |
/// | E | `1111` | 240-255 | -   | reserved (experimental) |
///
/// Since CIDR (RFC 1519, 1993) the class of an address no longer decides its network: any
/// prefix length can be used anywhere. The class is history, still useful to read old
/// documents and to know which default netmask a tool guesses.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::Class;
///
/// let class = Class::of(Ipv4Addr::new(192, 168, 1, 1));
/// assert_eq!(class, Class::C);
/// assert_eq!(class.to_string(), "C");
/// assert_eq!(class.default_prefix(), Some(24));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Leading bit `0`: 0.0.0.0 - 127.255.255.255, 8-bit network, 24-bit host.
    A,
    /// Leading bits `10`: 128.0.0.0 - 191.255.255.255, 16-bit network, 16-bit host.
    B,
    /// Leading bits `110`: 192.0.0.0 - 223.255.255.255, 24-bit network, 8-bit host.
    C,
    /// Leading bits `1110`: 224.0.0.0 - 239.255.255.255, multicast.
    D,
    /// Leading bits `1111`: 240.0.0.0 - 255.255.255.255, reserved.
    E,
}

impl Class {
    /// All five classes, in address order.
    pub const ALL: [Class; 5] = [Class::A, Class::B, Class::C, Class::D, Class::E];

    /// The class of an address, from its leading bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::of(Ipv4Addr::new(127, 255, 255, 255)), Class::A);
    /// assert_eq!(Class::of(Ipv4Addr::new(128, 0, 0, 0)), Class::B);
    /// assert_eq!(Class::of(Ipv4Addr::new(224, 0, 0, 1)), Class::D);
    /// ```
    pub fn of(addr: Ipv4Addr) -> Class {
        let first = addr.octets()[0];
        // Test one more leading bit at each step: 0, 10, 110, 1110, else 1111.
        if first & 0b1000_0000 == 0 {
            Class::A
        } else if first & 0b0100_0000 == 0 {
            Class::B
        } else if first & 0b0010_0000 == 0 {
            Class::C
        } else if first & 0b0001_0000 == 0 {
            Class::D
        } else {
            Class::E
        }
    }

    /// The prefix length a class implies (its "natural" netmask): A /8, B /16, C /24.
    /// Classes D and E are not split into network and host, so they have none.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::B.default_prefix(), Some(16));
    /// assert_eq!(Class::D.default_prefix(), None);
    /// ```
    pub fn default_prefix(self) -> Option<u8> {
        match self {
            Class::A => Some(8),
            Class::B => Some(16),
            Class::C => Some(24),
            Class::D | Class::E => None,
        }
    }

    /// The leading bits that mark the class, as text.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::C.leading_bits(), "110");
    /// ```
    pub fn leading_bits(self) -> &'static str {
        match self {
            Class::A => "0",
            Class::B => "10",
            Class::C => "110",
            Class::D => "1110",
            Class::E => "1111",
        }
    }

    /// The first address of the whole class block.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::A.first(), Ipv4Addr::new(0, 0, 0, 0));
    /// assert_eq!(Class::B.first(), Ipv4Addr::new(128, 0, 0, 0));
    /// ```
    pub fn first(self) -> Ipv4Addr {
        // The leading bits followed by zeros.
        let first_octet = match self {
            Class::A => 0,
            Class::B => 128,
            Class::C => 192,
            Class::D => 224,
            Class::E => 240,
        };
        Ipv4Addr::new(first_octet, 0, 0, 0)
    }

    /// The last address of the whole class block.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::A.last(), Ipv4Addr::new(127, 255, 255, 255));
    /// assert_eq!(Class::E.last(), Ipv4Addr::new(255, 255, 255, 255));
    /// ```
    pub fn last(self) -> Ipv4Addr {
        // The leading bits followed by ones.
        let last_octet = match self {
            Class::A => 127,
            Class::B => 191,
            Class::C => 223,
            Class::D => 239,
            Class::E => 255,
        };
        Ipv4Addr::new(last_octet, 255, 255, 255)
    }

    /// How many networks the class has, if it is split into networks (A, B, C): two to the
    /// power of the network bits left after the leading bits. A: 2^7 = 128, B: 2^14 = 16384,
    /// C: 2^21 = 2097152. (Some of them are special: in class A, 0.0.0.0/8 means "this
    /// network" and 127.0.0.0/8 is loopback, which leaves 126 for ordinary hosts.)
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::A.networks(), Some(128));
    /// assert_eq!(Class::C.networks(), Some(2_097_152));
    /// assert_eq!(Class::D.networks(), None);
    /// ```
    pub fn networks(self) -> Option<u32> {
        let prefix = u32::from(self.default_prefix()?);
        let fixed_bits = self.leading_bits().len() as u32;
        Some(1 << (prefix - fixed_bits))
    }

    /// How many hosts fit in one network of the class: 2^host_bits - 2, because the
    /// all-zeros host part names the network and the all-ones host part is its broadcast.
    /// A: 16777214, B: 65534, C: 254.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::A.hosts_per_network(), Some(16_777_214));
    /// assert_eq!(Class::B.hosts_per_network(), Some(65_534));
    /// assert_eq!(Class::C.hosts_per_network(), Some(254));
    /// assert_eq!(Class::E.hosts_per_network(), None);
    /// ```
    pub fn hosts_per_network(self) -> Option<u32> {
        let host_bits = 32 - u32::from(self.default_prefix()?);
        Some((1 << host_bits) - 2)
    }

    /// A one-line description of what the class is for.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ipv4::Class;
    ///
    /// assert_eq!(Class::A.description(), "unicast, 8-bit network + 24-bit host");
    /// assert_eq!(Class::D.description(), "multicast");
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            Class::A => "unicast, 8-bit network + 24-bit host",
            Class::B => "unicast, 16-bit network + 16-bit host",
            Class::C => "unicast, 24-bit network + 8-bit host",
            Class::D => "multicast",
            Class::E => "reserved (experimental)",
        }
    }
}

impl fmt::Display for Class {
    /// Prints the letter, `A` to `E`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
            Class::D => "D",
            Class::E => "E",
        };
        f.pad(letter)
    }
}
