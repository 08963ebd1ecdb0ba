//! `netbasics mac MAC` (being written).

/// Arguments of `netbasics mac`.
#[derive(clap::Args)]
pub struct MacArgs {
    /// The MAC address, e.g. 08:00:20:0a:8c:6d.
    pub mac: String,
}

/// Runs `netbasics mac`.
pub fn run(_args: &MacArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
