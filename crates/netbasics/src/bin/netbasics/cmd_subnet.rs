//! `netbasics subnets|same-subnet|summarize` (being written).

/// Arguments of `netbasics subnets`.
#[derive(clap::Args)]
pub struct SubnetsArgs {
    /// The network to split.
    pub net: String,
    /// The new prefix length.
    #[arg(long)]
    pub prefix: u8,
}

/// Arguments of `netbasics same-subnet`.
#[derive(clap::Args)]
pub struct SameSubnetArgs {
    /// First address.
    pub a: String,
    /// Second address.
    pub b: String,
    /// The netmask or /prefix.
    pub mask: String,
}

/// Arguments of `netbasics summarize`.
#[derive(clap::Args)]
pub struct SummarizeArgs {
    /// The networks.
    pub nets: Vec<String>,
}

/// Runs `netbasics subnets`.
pub fn run_subnets(_args: &SubnetsArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics same-subnet`.
pub fn run_same_subnet(_args: &SameSubnetArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics summarize`.
pub fn run_summarize(_args: &SummarizeArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
