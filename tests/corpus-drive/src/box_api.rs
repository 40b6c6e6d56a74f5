//! Box (`box-openapi.json`, bearer scheme `OAuth2Security`): `GET /users` walked by its
//! `marker` cursor; `GET /ai_agent_default` answers a tagged union (`type`) and
//! `GET /search` a union read by evidence.

use box_api::models::{AiAgent, AiGetAiAgentDefaultMode, SearchResultsResponse};

use crate::report::brief;

crate::sdk::sdk_support!(box_api);

pub async fn drive(base_url: &str, report: &mut Report) {
    let Some((client, recorder)) = connect(base_url, report) else {
        return;
    };
    let users = client.users().get().stream();
    walk(report, "users.get().stream()", &recorder, users, |_| {
        Ok(String::new())
    })
    .await;

    let agent = client
        .ai()
        .get_ai_agent_default(AiGetAiAgentDefaultMode::Ask);
    let outcome = match agent.await {
        Ok(AiAgent::AiAgentAsk(_)) => {
            Ok("tagged union AiAgent::AiAgentAsk (type \"ai_agent_ask\")".to_string())
        }
        Ok(other) => Err(format!(
            "decoded to another variant than AiAgentAsk: {}",
            brief(&other)
        )),
        Err(e) => Err(format!("{:?}: {e}", e.kind())),
    };
    report.call("ai.get_ai_agent_default(Ask)", &recorder.take(), outcome);

    let outcome = match client.search().get().query("contract").await {
        Ok(SearchResultsResponse::SearchResults(found)) => {
            let n = found.entries.as_ref().map_or(0, Vec::len);
            Ok(format!(
                "union SearchResultsResponse::SearchResults ({n} {})",
                if n == 1 { "entry" } else { "entries" }
            ))
        }
        Ok(other) => Err(format!(
            "decoded to another variant than SearchResults: {}",
            brief(&other)
        )),
        Err(e) => Err(format!("{:?}: {e}", e.kind())),
    };
    report.call("search.get", &recorder.take(), outcome);

    rejected(report, base_url, "users.get", |c| async move {
        c.users().get().await
    })
    .await;
}
