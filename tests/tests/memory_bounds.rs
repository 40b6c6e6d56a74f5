//! What a walk through pages and the decoding of one large page hold in memory, counted
//! by this binary's global allocator (bytes live at once, the whole process). Alone in
//! its test binary, and the tests take turns, so that nothing else allocates meanwhile.
//! `cargo test -p sdk-tests --test memory_bounds -- --nocapture --test-threads 1`
//! prints the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use beeper_desktop_api::Client;
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

/// The system allocator, counting the bytes live and the most that were.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a fresh block beside the old one, as a copy needs them both.
        grew(new_size);
        // SAFETY: forwarded as is.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `f`; the most bytes live at once meanwhile, above what was live before.
async fn peak_above_start<T>(f: impl std::future::Future<Output = T>) -> (T, usize) {
    let start = LIVE.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let out = f.await;
    (out, PEAK.load(Ordering::SeqCst).saturating_sub(start))
}

const MIB: f64 = 1024.0 * 1024.0;

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .access_token(TOKEN)
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The measurement: 800 pages, each handing out a fresh cursor of 40 KiB. The
/// loop guard kept every URL followed (110 MiB); it keeps a digest of each now, so that
/// what the walk holds does not grow with the cursors.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_walk_of_800_pages_with_40_kib_cursors_holds_no_memory_per_cursor() {
    let _turn = TURN.lock().await;
    const PAGES: usize = 800;
    const CURSOR: usize = 40 * 1024;
    let server = FaultServer::with(|n, _| {
        let cursor = format!("{n:06}-{}", "c".repeat(CURSOR));
        Reply::json(
            200,
            &json!({"items": [{"id": format!("u{n}")}], "hasMore": n + 1 < PAGES,
                    "oldestCursor": cursor, "newestCursor": "n"}),
        )
    })
    .await;
    let client = client(&server.url);
    let (pages, peak) = peak_above_start(async {
        let mut pages = client.accounts().contacts().list("a").pages();
        let mut n = 0;
        while let Some(page) = pages.try_next().await.unwrap() {
            assert_eq!(page.items.len(), 1);
            n += 1;
        }
        n
    })
    .await;
    assert_eq!(pages, PAGES);
    assert_eq!(server.attempts(), PAGES);
    println!(
        "walk of {PAGES} pages with {} KiB cursors: peak {:.1} MiB above the start",
        CURSOR / 1024,
        peak as f64 / MIB
    );
    // A few pages and their requests in flight, not 800 cursors (31 MiB of them).
    assert!(
        peak < 8 * 1024 * 1024,
        "the walk held {:.1} MiB at its peak",
        peak as f64 / MIB
    );
}

/// A page of `count` items, each `item(i)`, as the contacts list sends it.
fn page_of(count: usize, item: impl Fn(usize) -> serde_json::Value) -> Vec<u8> {
    let items: Vec<_> = (0..count).map(item).collect();
    serde_json::to_vec(&json!({"items": items, "hasMore": false})).unwrap()
}

/// Decodes one page of `body` through `accounts.contacts.list` (its items are `User`s);
/// the peak above the start, and the items' count.
async fn decode_peak(body: Vec<u8>) -> (usize, usize) {
    let server = FaultServer::start(vec![Reply::Status {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body,
    }])
    .await;
    let client = client(&server.url);
    let (items, peak) = peak_above_start(async {
        let page = client.accounts().contacts().list("a").await.unwrap();
        page.items.len()
    })
    .await;
    (peak, items)
}

/// The measurement: a page of 300,000 small items (4.8 MiB) peaked at 116 MiB
/// while decoding (24x). Where it goes: the body itself (4.6 MiB), each item's struct
/// (`User`, 176 bytes for 16 on the wire: 50 MiB) and the list's capacity, which
/// doubles as items arrive (its last step from 262,144 to 524,288 slots holds 44 and
/// 88 MiB at once). No simple change brings that under 5x: the items alone are 11x.
/// The README gives what to expect per MiB of page.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn decoding_a_page_of_300_000_small_items_peaks_within_the_documented_bound() {
    let _turn = TURN.lock().await;
    const ITEMS: usize = 300_000;
    let body = page_of(ITEMS, |i| json!({"id": format!("{i:06}")}));
    let size = body.len();
    let (peak, items) = decode_peak(body).await;
    assert_eq!(items, ITEMS);
    let user = std::mem::size_of::<beeper_desktop_api::models::User>();
    println!(
        "a page of {ITEMS} small items, {:.1} MiB: peak {:.1} MiB ({:.1}x); a User is {user} bytes, the items {:.1} MiB",
        size as f64 / MIB,
        peak as f64 / MIB,
        peak as f64 / size as f64,
        (ITEMS * user) as f64 / MIB
    );
    // And items of a realistic size: users with every field set.
    let body = page_of(ITEMS / 10, |i| {
        json!({"id": format!("@user{i:06}:beeper.local"), "fullName": format!("User number {i}"),
               "username": format!("user{i}"), "email": format!("user{i}@example.com"),
               "phoneNumber": "+15551234567", "imgURL": format!("mxc://beeper.local/avatar{i}"),
               "isSelf": false, "cannotMessage": false})
    });
    let full_size = body.len();
    let (full_peak, _) = decode_peak(body).await;
    println!(
        "a page of {} full users, {:.1} MiB: peak {:.1} MiB ({:.1}x)",
        ITEMS / 10,
        full_size as f64 / MIB,
        full_peak as f64 / MIB,
        full_peak as f64 / full_size as f64
    );
    // The README's figures: about 31x for items of 16 bytes on the wire (a `User`
    // struct of 176 bytes each, and the list's capacity doubling as it grows: the last
    // step holds 2^18 and 2^19 slots at once), about 3x for items of 200 bytes.
    let ratio = peak as f64 / size as f64;
    assert!(ratio < 34.0, "small items: {ratio:.1}x");
    let full_ratio = full_peak as f64 / full_size as f64;
    assert!(full_ratio < 4.0, "full users: {full_ratio:.1}x");
}
