//! A `tracing` writer that keeps everything written to it, for the tests that check
//! what the SDK logs (each alone in its test binary, since it installs the global
//! subscriber).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Clone it into the subscriber's `with_writer`, then read [`Capture::text`].
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
