//! One line per call (what was sent, what came back), and the verdict.

use std::process::ExitCode;

/// The most items a walk takes: Prism serves the same example page again and again,
/// so a walk that nothing else stops ends here.
pub const MAX_ITEMS: usize = 20;

/// One HTTP attempt, as the recording hook saw it on its way out and back.
pub struct Attempt {
    pub method: String,
    /// Path and query.
    pub target: String,
    /// The credential sent: the `Authorization` scheme, its value hidden.
    pub credential: String,
    pub status: Option<u16>,
}

/// How a walk with `.stream()` ended.
pub enum WalkEnd {
    /// The stream ended: the last page said there are no more.
    LastPage,
    /// [`MAX_ITEMS`] were taken.
    Bounded,
    /// The runtime's guard ended it with this error kind and message: a repeated
    /// cursor or page, or a next-page URL on another origin.
    Guard(String),
    /// Any other error.
    Failed(String),
}

impl WalkEnd {
    pub fn describe(&self, items: usize, requests: usize) -> Result<String, String> {
        let counted = format!(
            "{} from {}",
            count(items, "item"),
            count(requests, "request")
        );
        match self {
            _ if items == 0 => Err(format!("{counted}: the walk yielded nothing")),
            WalkEnd::LastPage => Ok(format!("{counted}; ended: the last page said no more")),
            WalkEnd::Bounded => Ok(format!("{counted}; ended: take({MAX_ITEMS}) bound")),
            WalkEnd::Guard(why) => Ok(format!("{counted}; ended by the runtime's guard: {why}")),
            WalkEnd::Failed(why) => Err(format!("{counted}; then failed: {why}")),
        }
    }
}

/// The `Authorization` header as shown: its scheme word, never the secret.
pub fn credential(authorization: Option<&str>) -> String {
    match authorization {
        None => "no credential".to_string(),
        Some(value) => match value.split_once(' ') {
            Some((scheme, _)) => format!("Authorization: {scheme} <token>"),
            None => "Authorization: <token>".to_string(),
        },
    }
}

pub struct Report {
    document: String,
    calls: usize,
    failures: Vec<String>,
}

impl Report {
    pub fn new(document: &str) -> Report {
        Report {
            document: document.to_string(),
            calls: 0,
            failures: Vec::new(),
        }
    }

    /// Prints the line of one call: `operation`, what `attempts` sent and got, and
    /// `outcome` (what was decoded, or why the call misbehaved).
    pub fn call(&mut self, operation: &str, attempts: &[Attempt], outcome: Result<String, String>) {
        self.calls += 1;
        let sent = if attempts.is_empty() {
            "nothing".to_string()
        } else {
            let targets: Vec<String> = attempts
                .iter()
                .map(|a| format!("{} {}", a.method, a.target))
                .collect();
            format!("{} with {}", targets.join(", "), attempts[0].credential)
        };
        let got: Vec<String> = attempts
            .iter()
            .map(|a| {
                a.status
                    .map_or("no response".to_string(), |s| s.to_string())
            })
            .collect();
        let got = if got.is_empty() {
            "-".to_string()
        } else {
            got.join(", ")
        };
        let (verdict, what) = match outcome {
            Ok(what) => ("ok", what),
            Err(why) => {
                self.failures.push(format!("{operation}: {why}"));
                ("FAILED", why)
            }
        };
        println!(
            "{} | {operation} | sent {sent} | got {got} | {what} | {verdict}",
            self.document
        );
    }

    pub fn finish(self) -> ExitCode {
        if self.failures.is_empty() {
            println!("{}: {} calls behaved", self.document, self.calls);
            ExitCode::SUCCESS
        } else {
            for f in &self.failures {
                eprintln!("{}: {f}", self.document);
            }
            ExitCode::FAILURE
        }
    }
}

/// The last segment of `T`'s path: the decoded type as a line shows it.
pub fn type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The line's outcome for a walk: the item type, how many, how it ended.
pub fn walked<T>(items: &[T], end: &WalkEnd, requests: usize) -> Result<String, String> {
    end.describe(items.len(), requests)
        .map(|how| format!("{} {how}", type_name::<T>()))
}

/// A value's `Debug` text cut to a line's worth: enough to see which variant it is.
pub fn brief(value: &impl std::fmt::Debug) -> String {
    const MAX: usize = 160;
    let text = format!("{value:?}");
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// `1 item`, `2 items`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
