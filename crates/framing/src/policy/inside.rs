//! Whether a path a client names stays inside the server's directory.
//!
//! Two checks, both needed:
//!
//! - **by its text**: relative, without `..` (`../secret`, `/etc` and `sub/../..` are
//!   refused however the directory looks);
//! - **by where it really leads**: joined to the directory and resolved by the system
//!   (`canonicalize`, which follows every symlink on the way, as `ls` does), it must still
//!   be inside. A symlink `-x -> ..` or `etc -> /etc` has an innocent name.
//!
//! A path that does not exist (yet) is judged by its nearest existing ancestor: `ls` will
//! only say it is missing, but it must not say so about a place outside
//! (`-x/secret` would tell whether the parent holds a `secret`).
//!
//! What is checked is the directory as it is at the time of the check: a client that can
//! also change the directory's entries (another program, a shared folder) could swap an
//! entry for a symlink in between. The served directory should belong to the server.

use std::path::{Component, Path};

/// Whether `path` is relative, never climbs with `..`, and (with a `root`, which must be
/// canonical) really leads inside `root` once symlinks are followed.
///
/// # Examples
///
/// ```
/// use framing::policy::inside::stays_inside;
///
/// assert!(stays_inside(None, "src/main.rs"));
/// assert!(stays_inside(None, "-x")); // a name, whatever its first character
/// assert!(!stays_inside(None, "-x/.."));
/// assert!(!stays_inside(None, "/etc"));
/// ```
pub fn stays_inside(root: Option<&Path>, path: &str) -> bool {
    let plain = Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    let Some(root) = root else {
        return plain;
    };
    let real = root
        .join(path)
        .ancestors()
        .find_map(|p| p.canonicalize().ok())
        .unwrap_or_default();
    plain && real.starts_with(root)
}
