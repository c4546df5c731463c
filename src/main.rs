use std::process::ExitCode;

fn main() -> ExitCode {
    die_quietly_on_closed_pipe();
    // SAFETY: first in main, before any tree-sitter call.
    unsafe { abiport::syntax::tree::allocate_trees_with_mimalloc() };
    abiport::syntax::tree::retain_freed_pages();
    let cli = abiport::cmd::Cli::parse_args();
    match abiport::cmd::run(cli) {
        Ok(abiport::error::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(abiport::error::Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            eprint!("{}", abiport::cmd::render_error(&e));
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`abiport scan | head`) makes
/// `println!` panic (exit 101). Take the default action back: end quietly, as cat and grep do.
fn die_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
