//! `netbasics encode|decode|mojibake` (being written).

/// Arguments of `netbasics encode`.
#[derive(clap::Args)]
pub struct EncodeArgs {
    /// The text to encode.
    pub text: String,
}

/// Arguments of `netbasics decode`.
#[derive(clap::Args)]
pub struct DecodeArgs {
    /// The bytes, as hex.
    pub hex: String,
}

/// Arguments of `netbasics mojibake`.
#[derive(clap::Args)]
pub struct MojibakeArgs {
    /// The text.
    pub text: String,
}

/// Runs `netbasics encode`.
pub fn run_encode(_args: &EncodeArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics decode`.
pub fn run_decode(_args: &DecodeArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

/// Runs `netbasics mojibake`.
pub fn run_mojibake(_args: &MojibakeArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
