//! `netbasics resolve|interfaces|ping|arp` (being written).

/// Arguments of `netbasics resolve`.
#[derive(clap::Args)]
pub struct ResolveArgs {
    /// The host name.
    pub name: String,
}

/// Arguments of `netbasics interfaces`.
#[derive(clap::Args)]
pub struct InterfacesArgs {}

/// Arguments of `netbasics ping`.
#[derive(clap::Args)]
pub struct PingArgs {
    /// The host to ping.
    pub host: String,
}

/// Arguments of `netbasics arp`.
#[derive(clap::Args)]
pub struct ArpArgs {}

/// Runs `netbasics resolve`.
pub fn run_resolve(_args: &ResolveArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics interfaces`.
pub fn run_interfaces(_args: &InterfacesArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics ping`.
pub fn run_ping(_args: &PingArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics arp`.
pub fn run_arp(_args: &ArpArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
