use std::process::ExitCode;

// mimalloc for Rust's allocations and tree-sitter's: a scan allocates and frees millions of
// small nodes, tokens and strings, and glibc's malloc and free were a tenth of its cycles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    die_quietly_on_closed_pipe();
    parse_trees_with_mimalloc();
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

/// tree-sitter's C core allocates with libc unless told otherwise.
fn parse_trees_with_mimalloc() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    // SAFETY: called in main before any tree-sitter call; the four functions are one
    // allocator family, with malloc's alignment.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }));
    }
}
