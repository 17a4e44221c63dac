//! Render benchmark: the dashboard state holding 100,000 active and 100,000 soft-deleted
//! webhooks, drawn at 80x24 and 200x50. Reports the mean and 99th percentile time per frame
//! and the largest number of table rows built for one frame, which shows that only the
//! visible window is built.
//!
//! Run with `cargo bench --bench render`. Timing uses `std::time::Instant`; each frame draws
//! into a fresh buffer, which is the work ratatui does before it diffs and writes the cells.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hookgrace::api::{
    DeletedList, DeletedStats, DeletedWebhook, DeletionInfo, Endpoints, JobState, JobStatus,
    RestorationStatus, Timestamp, WebhookList, WebhookSummary,
};
use hookgrace::client::{ApiResponse, Capabilities, Conditional};
use hookgrace::dashboard::app::{Fetched, FetchedData, Msg, State};
use hookgrace::dashboard::views;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const ROWS: usize = 100_000;
const FRAMES: usize = 300;

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("benchmark timestamps are valid")
}

fn plus_seconds(start: Timestamp, seconds: i64) -> Timestamp {
    start
        .checked_add(chrono::Duration::seconds(seconds))
        .expect("in range")
}

fn active(now: Timestamp) -> WebhookList {
    let webhooks = (0..ROWS)
        .map(|n| WebhookSummary {
            id: format!("bench_ws_r{:02}_solar_{:03}", n / 1000, n % 1000),
            name: format!("Webhook number {n} 東京"),
            kind: "solar".to_owned(),
            region: format!("r{:02}", n / 1000),
            category: "solar".to_owned(),
            enabled: n % 7 != 0,
            endpoints: Endpoints {
                health: "/h".to_owned(),
                receive: "/r".to_owned(),
            },
            total_leads: (n * 37 % 1000) as u64,
            conversion_rate: 0.0,
            total_revenue: 0.0,
            created_at: plus_seconds(now, -(n as i64)),
            last_lead_at: Some(plus_seconds(now, -((n % 5000) as i64))),
            description: None,
        })
        .collect();
    WebhookList {
        service: "hookgrace".to_owned(),
        total_webhooks: ROWS as u64,
        webhooks,
        usage: serde_json::Value::Null,
        timestamp: now,
        next_offset: None,
    }
}

fn deleted(now: Timestamp) -> DeletedList {
    let webhooks = (0..ROWS)
        .map(|n| {
            let deleted_at = plus_seconds(now, -((n % 86_000) as i64));
            DeletedWebhook {
                id: format!("gone_ws_r{:02}_hvac_{:03}", n / 1000, n % 1000),
                name: format!("Deleted webhook {n}"),
                description: None,
                kind: "hvac".to_owned(),
                deletion: DeletionInfo {
                    deleted_at,
                    deleted_by: Some("alice".to_owned()),
                    reason: Some(format!("cleanup batch {}", n % 40)),
                    scheduled_deletion_at: plus_seconds(deleted_at, 86_400),
                    job_id: Some(format!("job_{n}")),
                },
                job_status: JobStatus {
                    status: JobState::Pending,
                    attempts: 0,
                    execute_at: None,
                    completed_at: None,
                    error_message: None,
                    max_attempts: Some(5),
                    next_attempt_at: None,
                },
                restoration: RestorationStatus {
                    can_restore: true,
                    seconds_until_deletion: 0,
                    restore_endpoint: String::new(),
                },
                stats: DeletedStats {
                    total_leads: 10,
                    rejected_leads_since_deletion: Some(0),
                    rejected_signatures: None,
                },
            }
        })
        .collect();
    DeletedList {
        service: "hookgrace".to_owned(),
        total_deleted: ROWS as u64,
        restorable: ROWS as u64,
        webhooks,
        timestamp: now,
        next_offset: None,
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

struct Stats {
    mean: Duration,
    p99: Duration,
    max_rows: usize,
}

fn measure(mut frame: impl FnMut() -> usize) -> Stats {
    let mut times = Vec::with_capacity(FRAMES);
    let mut max_rows = 0;
    for _ in 0..FRAMES {
        let start = Instant::now();
        let rows = frame();
        times.push(start.elapsed());
        max_rows = max_rows.max(rows);
    }
    times.sort_unstable();
    let total: Duration = times.iter().sum();
    Stats {
        mean: total / FRAMES as u32,
        p99: times[(FRAMES * 99 / 100).min(FRAMES - 1)],
        max_rows,
    }
}

fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

fn main() {
    let now = at("2026-03-01T10:00:00.000Z");
    let mut state = State::new(
        "http://127.0.0.1:8787",
        "bench",
        Duration::from_secs(2),
        now,
    );
    let capabilities = Capabilities {
        extensions: ["audit", "queue"].into_iter().map(str::to_owned).collect(),
        grace_period: Some(Duration::from_secs(86_400)),
        version: None,
    };
    let respond = |body| {
        Ok(ApiResponse {
            body,
            server_time: Some(now),
        })
    };
    let poll = Msg::Polled(vec![
        Fetched {
            received_at: now,
            data: FetchedData::Capabilities(Ok(ApiResponse {
                body: capabilities,
                server_time: Some(now),
            })),
        },
        Fetched {
            received_at: now,
            data: FetchedData::Active(respond(Conditional::Modified(active(now)))),
        },
        Fetched {
            received_at: now,
            data: FetchedData::Deleted(Ok(ApiResponse {
                body: Conditional::Modified(deleted(now)),
                server_time: Some(now),
            })),
        },
    ]);
    state.update(now, Msg::Tick);
    let start = Instant::now();
    state.update(now, poll);
    let first_poll = start.elapsed();

    // A second poll with every row present diffs all rows against the first.
    let second = Msg::Polled(vec![Fetched {
        received_at: now,
        data: FetchedData::Active(respond(Conditional::Modified(active(now)))),
    }]);
    let start = Instant::now();
    state.update(now, second);
    let changed_poll = start.elapsed();
    println!(
        "machine: {} logical CPUs",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!("rows: {ROWS} active + {ROWS} deleted; frames per case: {FRAMES}");
    println!(
        "apply first poll (store, index, search text): {:.1} ms",
        first_poll.as_secs_f64() * 1e3
    );
    println!(
        "apply a changed poll (diff every row): {:.1} ms",
        changed_poll.as_secs_f64() * 1e3
    );

    for (tab, label) in [('1', "Active"), ('2', "Deleted")] {
        state.update(
            now,
            Msg::Key(KeyEvent::new(KeyCode::Char(tab), KeyModifiers::NONE)),
        );
        for (width, height) in [(80u16, 24u16), (200, 50)] {
            state.update(now, Msg::Resize { width, height });
            let area = Rect::new(0, 0, width, height);
            let mut tick = 0;
            let stats = measure(|| {
                tick += 1;
                // Each frame follows a tick and moves the cursor, as an operator would.
                state.update(plus_seconds(now, tick / 10), Msg::Tick);
                state.update(now, key(KeyCode::Down));
                let mut buffer = Buffer::empty(area);
                views::take_rows_built();
                views::render(&state, area, &mut buffer);
                views::take_rows_built()
            });
            println!(
                "{label} {width}x{height}: mean {} p99 {} per frame, peak rows built {}",
                micros(stats.mean),
                micros(stats.p99),
                stats.max_rows
            );
        }
    }

    // Typing a filter re-filters all rows on every key press.
    state.update(now, key(KeyCode::Char('1')));
    state.update(now, key(KeyCode::Char('/')));
    let start = Instant::now();
    let typed = "number 9999";
    for c in typed.chars() {
        state.update(now, key(KeyCode::Char(c)));
    }
    let per_key = start.elapsed() / typed.len() as u32;
    println!(
        "filter keystroke over {ROWS} rows: {:.1} ms; {} rows match",
        per_key.as_secs_f64() * 1e3,
        state.active.list.order.len()
    );
    state.update(now, key(KeyCode::Esc));
    let start = Instant::now();
    state.update(now, key(KeyCode::Char('s')));
    println!(
        "sort {ROWS} rows by name: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
