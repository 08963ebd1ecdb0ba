//! `netbasics port N` (being written).

/// Arguments of `netbasics port`.
#[derive(clap::Args)]
pub struct PortArgs {
    /// The port number (0-65535).
    pub port: String,
}

/// Runs `netbasics port`.
pub fn run(_args: &PortArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
