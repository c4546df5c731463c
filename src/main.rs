use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = abiport::cmd::Cli::parse_args();
    match abiport::cmd::run(cli) {
        Ok(abiport::error::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(abiport::error::Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            eprintln!("abiport: {}", e.title);
            if let Some(help) = &e.help {
                eprintln!("  help: {help}");
            }
            ExitCode::from(2)
        }
    }
}
