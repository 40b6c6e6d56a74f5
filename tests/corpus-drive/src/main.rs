//! `corpus-drive <document> <base-url>`: calls an SDK generated from a corpus document
//! against Prism mocking that document, prints one line per call, and exits non-zero
//! when a call did not behave. Run by `cargo xtask corpus-drive`.

mod box_api;
mod openai;
mod report;
mod sdk;
mod spotify;

use std::process::ExitCode;

use report::Report;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [document, base_url] = args.as_slice() else {
        eprintln!("usage: corpus-drive <openai|box|spotify> <base-url>");
        return ExitCode::FAILURE;
    };
    let mut report = Report::new(document);
    match document.as_str() {
        "openai" => openai::drive(base_url, &mut report).await,
        "box" => box_api::drive(base_url, &mut report).await,
        "spotify" => spotify::drive(base_url, &mut report).await,
        other => {
            eprintln!("corpus-drive: unknown document `{other}`");
            return ExitCode::FAILURE;
        }
    }
    report.finish()
}
