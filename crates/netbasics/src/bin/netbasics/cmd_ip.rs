//! `netbasics ip` (being written).

/// Arguments of `netbasics ip`.
#[derive(clap::Args)]
pub struct IpArgs {
    /// The address, optionally with /PREFIX or /NETMASK.
    pub addr: String,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `netbasics ip`.
pub fn run(_args: &IpArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
