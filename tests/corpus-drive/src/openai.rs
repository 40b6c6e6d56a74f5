//! OpenAI (`openai-openapi-3.0.yaml`, bearer scheme `ApiKeyAuth`): `GET /batches` walked
//! by its `after` cursor; `POST /audio/transcriptions` (multipart) answers a union read
//! by evidence, the plain or the verbose transcription.

use openai::models::{AudioCreateTranscriptionResponse, CreateTranscriptionRequestModel};

use crate::report::brief;

crate::sdk::sdk_support!(openai);

pub async fn drive(base_url: &str, report: &mut Report) {
    let Some((client, recorder)) = connect(base_url, report) else {
        return;
    };
    let batches = client.batch().list_batches().stream();
    walk(
        report,
        "batch.list_batches().stream()",
        &recorder,
        batches,
        |_| Ok(String::new()),
    )
    .await;

    let audio = openai::FilePart::bytes(&b"RIFF....WAVE"[..]).file_name("speech.wav");
    let model = CreateTranscriptionRequestModel::String("whisper-1".into());
    let outcome = match client.audio().create_transcription(audio, model).await {
        Ok(AudioCreateTranscriptionResponse::CreateTranscriptionResponseJson(t)) => Ok(format!(
            "union AudioCreateTranscriptionResponse::CreateTranscriptionResponseJson (text {:?})",
            t.text
        )),
        Ok(other) => Err(format!(
            "decoded to another variant than the JSON transcription: {}",
            brief(&other)
        )),
        Err(e) => Err(format!("{:?}: {e}", e.kind())),
    };
    report.call("audio.create_transcription", &recorder.take(), outcome);

    rejected(report, base_url, "batch.list_batches", |c| async move {
        c.batch().list_batches().await
    })
    .await;
}
