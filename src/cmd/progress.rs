//! A progress spinner on stderr for long runs: the phase running and the time taken. It
//! appears only once a run has lasted [`DELAY`], and only when stderr is a terminal and
//! `CI` is unset: never in a CI log, a pipe or a file.

use crate::scan::PhaseHook;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs shorter than this show nothing.
const DELAY: Duration = Duration::from_secs(1);

/// [`DELAY`], or `ABIPORT_PROGRESS_DELAY_MS` milliseconds: the tests' way to see the
/// spinner without a run that lasts a second (runs they could count on grew shorter as
/// the scan got faster).
fn delay() -> Duration {
    std::env::var("ABIPORT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(DELAY, Duration::from_millis)
}

pub struct Progress {
    bar: Option<Shared>,
}

#[derive(Clone)]
struct Shared {
    bar: ProgressBar,
    /// Set when the run is over: the spinner must not appear after that.
    done: Arc<Mutex<bool>>,
}

/// What runs after a scan phase ends (the names `scan::analyze` reports).
fn next_step(phase_done: &str) -> &'static str {
    match phase_done {
        "walk" => "reading headers",
        "headers" => "indexing packages",
        "index" => "planning",
        "plan" => "reading typed declarations",
        "typed decls" => "checking files",
        "rules" => "building fixes",
        _ => "finishing",
    }
}

impl Progress {
    /// A spinner for `command` (`scan`, `fix`, `verify`) starting at `step`, when stderr is a
    /// terminal, `CI` is unset and `--quiet` is not given; otherwise nothing.
    pub fn start(command: &str, step: &str, quiet: bool) -> Progress {
        // ABIPORT_TIMING prints lines on stderr as phases end: no spinner among them.
        let wanted = !quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var_os("ABIPORT_TIMING").is_none();
        if !wanted {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_prefix(format!("abiport {command}"));
        bar.set_message(step.to_string());
        let shared = Shared {
            bar,
            done: Arc::new(Mutex::new(false)),
        };
        let later = shared.clone();
        std::thread::spawn(move || {
            std::thread::sleep(delay());
            let done = later.done.lock().unwrap_or_else(|e| e.into_inner());
            if !*done {
                later.bar.set_draw_target(ProgressDrawTarget::stderr());
                later.bar.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress { bar: Some(shared) }
    }

    /// Say what runs now.
    pub fn step(&self, what: &str) {
        if let Some(s) = &self.bar {
            s.bar.set_message(what.to_string());
        }
    }

    /// The scan's phase hook, moving the spinner's message along (`None`: no spinner).
    pub fn hook(&self) -> Option<PhaseHook> {
        let bar = self.bar.as_ref()?.bar.clone();
        Some(Arc::new(move |phase: &str, files: usize| {
            bar.set_message(format!("{} ({files} Go files)", next_step(phase)));
        }))
    }

    /// Remove the spinner (before the report is printed).
    pub fn finish(&self) {
        if let Some(s) = &self.bar {
            let mut done = s.done.lock().unwrap_or_else(|e| e.into_inner());
            *done = true;
            s.bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
