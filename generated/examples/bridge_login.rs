//! Signs in to a chat network through a bridge's login flow, step by step.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... cargo run -p beeper-desktop-api --example bridge_login -- <bridge-id>
//! ```
//!
//! A login session goes through steps the bridge decides: a form to fill
//! (`user_input`), something to show and wait for (`display_and_wait`, e.g. a QR code),
//! or cookies from a browser (`cookies`, not handled here), until it is `complete`.
//! Hand-written (not generated). `tests/tests/examples.rs` runs [`log_in`] against a
//! local server that plays a two-step login.

use std::time::Duration;

use beeper_desktop_api::models::{
    BridgesLoginSessionsStepsSubmitType, CurrentStep, LoginInputField, LoginSession,
    LoginSessionStatus,
};
use beeper_desktop_api::{Client, Error};

/// A bound on the steps, so that a bridge that never finishes cannot keep us here.
const MAX_STEPS: usize = 20;

/// Runs the bridge's first login flow to its end: each form is filled by `answer`
/// (field -> value), each `display_and_wait` step is polled every `poll`. Returns the
/// last state of the session: `complete`, `failed`, `cancelled`, or one this example
/// does not handle (it is cancelled then).
pub async fn log_in(
    client: &Client,
    bridge_id: &str,
    mut answer: impl FnMut(&LoginInputField) -> String,
    poll: Duration,
) -> Result<LoginSession, Error> {
    let sessions = client.bridges().login_sessions();
    let flows = client.bridges().login_flows().list(bridge_id).await?;
    let mut create = sessions.create(bridge_id);
    if let Some(flow) = flows.items.first() {
        create = create.flow_id(&flow.id);
    }
    let mut session = create.await?;
    for _ in 0..MAX_STEPS {
        let id = session.login_session_id.clone();
        match (&session.status, &session.current_step) {
            (
                LoginSessionStatus::Complete
                | LoginSessionStatus::Failed
                | LoginSessionStatus::Cancelled,
                _,
            ) => return Ok(session),
            (_, Some(CurrentStep::UserInput(step))) => {
                if let Some(text) = &step.instructions {
                    println!("{text}");
                }
                // Plain strings: the setter makes each value a `Secret`.
                let values = step
                    .fields
                    .iter()
                    .map(|field| (field.id.clone(), answer(field)));
                session = sessions
                    .steps()
                    .submit(
                        bridge_id,
                        &id,
                        &step.step_id,
                        BridgesLoginSessionsStepsSubmitType::UserInput,
                    )
                    .fields(values)
                    .await?;
            }
            (_, Some(CurrentStep::DisplayAndWait(step))) => {
                if let Some(text) = &step.instructions {
                    println!("{text}");
                }
                tokio::time::sleep(poll).await;
                session = sessions.retrieve(bridge_id, &id).await?;
            }
            // Cookies, a step type newer than this SDK, or no step at all.
            _ => {
                sessions.cancel(bridge_id, &id).await?;
                return sessions.retrieve(bridge_id, &id).await;
            }
        }
    }
    let id = session.login_session_id.clone();
    sessions.cancel(bridge_id, &id).await?;
    Ok(session)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let bridge_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "local-whatsapp".to_string());
    let client = Client::from_env()?;
    let ask = |field: &LoginInputField| {
        let label = field.label.as_deref().unwrap_or(&field.id);
        eprint!("{label}: ");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        line.trim().to_string()
    };
    let session = log_in(&client, &bridge_id, ask, Duration::from_secs(2)).await?;
    println!("login session ended: {}", session.status);
    if let Some(account_id) = session.account_id {
        println!("new account: {account_id}");
    }
    Ok(())
}
