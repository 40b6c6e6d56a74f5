//! The writing half of an event stream connection, in a task of its own: writes wait in
//! a queue, so that a peer that stops reading blocks only this task, never the reading
//! or the heartbeat; a write that does not finish within the write timeout is reported,
//! and the connection given up.

use std::time::Duration;

use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::upgrade::Socket;

pub(crate) struct Writer {
    queue: Option<mpsc::UnboundedSender<Message>>,
    failed: oneshot::Receiver<String>,
    task: Option<JoinHandle<()>>,
}

impl Writer {
    pub(crate) fn spawn(sink: SplitSink<Socket, Message>, write_timeout: Duration) -> Writer {
        let (queue, messages) = mpsc::unbounded_channel();
        let (report, failed) = oneshot::channel();
        let task = tokio::spawn(write(sink, messages, report, write_timeout));
        Writer {
            queue: Some(queue),
            failed,
            task: Some(task),
        }
    }

    /// Queues a message; false if the writer has stopped (the connection is lost).
    pub(crate) fn send(&self, message: Message) -> bool {
        self.queue
            .as_ref()
            .is_some_and(|queue| queue.send(message).is_ok())
    }

    /// Resolves when a write failed or timed out, with why.
    pub(crate) async fn failed(&mut self) -> String {
        (&mut self.failed)
            .await
            .unwrap_or_else(|_| "the connection's writer stopped".to_string())
    }

    /// Lets the queued messages go out (a close frame last), for at most `wait`.
    pub(crate) async fn finish(mut self, wait: Duration) {
        self.queue.take();
        if let Some(task) = &mut self.task {
            let _ = tokio::time::timeout(wait, task).await;
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // A connection given up: a write still stuck goes with it.
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn write(
    mut sink: SplitSink<Socket, Message>,
    mut messages: mpsc::UnboundedReceiver<Message>,
    report: oneshot::Sender<String>,
    write_timeout: Duration,
) {
    while let Some(message) = messages.recv().await {
        let why = match tokio::time::timeout(write_timeout, sink.send(message)).await {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => format!("a write failed: {e}"),
            Err(_) => {
                format!("a write did not finish within {write_timeout:?}: the peer does not read")
            }
        };
        let _ = report.send(why);
        return;
    }
}
