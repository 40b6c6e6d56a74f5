//! A declared `Content-Length` does not size the body buffer. Alone in its test binary:
//! it counts the allocations of the whole process through its global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use beeper_desktop_api::{Client, ErrorKind};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply};

/// The system allocator, remembering the largest single allocation.
struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

#[tokio::test]
async fn a_60_mib_declared_length_allocates_nothing_near_that_before_bytes_arrive() {
    // Under the default 64 MiB limit, so the declared length alone is not refused.
    let server = FaultServer::start(vec![Reply::CutShort {
        declared: 60 * 1024 * 1024,
        body: b"{\"items\": [".to_vec(),
    }])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    LARGEST.store(0, Ordering::SeqCst);

    let err = client.bridges().list().await.unwrap_err();

    let largest = LARGEST.load(Ordering::SeqCst);
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(server.attempts(), 1);
    assert!(
        largest < 1024 * 1024,
        "the largest allocation was {largest} bytes for a body of 11"
    );
}
