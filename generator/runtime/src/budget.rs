//! The byte budget of an event stream: what it holds for the reader (frames read and not
//! yet yielded, those `confirm_sent` looked at, those that came before the subscription's
//! answer) counted in bytes, shared by the connection, which stops reading the socket
//! while the budget is spent, and the reader, which gives bytes back as it takes items.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// What one held item costs besides its frame's bytes: its place in the queue (about 90
/// bytes) and the allocator's own, so that a flood of tiny frames is bounded too.
pub(crate) const ITEM_OVERHEAD: usize = 128;

#[derive(Debug)]
pub(crate) struct Budget {
    held: AtomicUsize,
    limit: usize,
    room: Notify,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Budget {
        Budget {
            held: AtomicUsize::new(0),
            limit,
            room: Notify::new(),
        }
    }

    /// Whether another frame may be read: the bytes held are under the limit (so that
    /// the most held is the limit plus one frame).
    pub(crate) fn has_room(&self) -> bool {
        self.held.load(Ordering::Acquire) < self.limit
    }

    /// Counts an item now held.
    pub(crate) fn take(&self, bytes: usize) {
        self.held.fetch_add(bytes, Ordering::AcqRel);
    }

    /// Gives back what an item cost once the reader has taken it; wakes the connection
    /// if that makes room.
    pub(crate) fn give_back(&self, bytes: usize) {
        let before = self.held.fetch_sub(bytes, Ordering::AcqRel);
        if before >= self.limit && before - bytes < self.limit {
            // A permit is stored if the connection is not waiting yet: no wake-up is lost.
            self.room.notify_one();
        }
    }

    /// Returns once there is room.
    pub(crate) async fn room(&self) {
        loop {
            let notified = self.room.notified();
            if self.has_room() {
                return;
            }
            notified.await;
        }
    }

    /// The bytes held now.
    pub(crate) fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn room_comes_back_when_the_reader_gives_bytes_back() {
        let budget = Arc::new(Budget::new(100));
        budget.take(60);
        assert!(budget.has_room());
        budget.take(60);
        assert!(!budget.has_room());
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move { budget.room().await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiting.is_finished());
        budget.give_back(60);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken")
            .unwrap();
        assert_eq!(budget.held(), 60);
    }
}
