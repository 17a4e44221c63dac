//! Table columns at 40, 60, 80 and 200 columns: names and countdowns always show whole,
//! optional columns give way on narrow screens, and wide screens show long cells whole.

use super::*;

const WIDTHS: [u16; 4] = [40, 60, 80, 200];

fn on_tab(mut state: State, tab: char) -> State {
    state.update(at(LOCAL_NOW), char_key(tab));
    state
}

fn with_fetched(data: FetchedData) -> State {
    let mut state = loaded_state();
    polled(&mut state, vec![data]);
    state
}

#[test]
fn deleted_tab_keeps_names_and_countdowns() {
    let state = on_tab(loaded_state(), '2');
    for width in WIDTHS {
        let screen = screen_text(&state, width, 24);

        for text in [
            "Sunrise Solar",
            "Roof Pros TX",
            "18:00:00",
            "purge pending",
            "purge failed",
        ] {
            assert!(screen.contains(text), "{text} at {width}:\n{screen}");
        }
        if width >= 60 {
            assert!(screen.contains("duplicate"), "reason at {width}:\n{screen}");
        }
    }
    let wide = screen_text(&state, 200, 24);
    assert!(wide.contains("duplicate of ws_cal_solar_001"), "{wide}");
    assert!(wide.contains("dead letter"), "{wide}");
    assert!(wide.contains("sunrise_ws_cal_solar_004"), "{wide}");
}

#[test]
fn active_tab_keeps_names_and_fits_types() {
    let mut list = active_list();
    list.webhooks[0].kind = "insurance".to_owned();
    let state = with_fetched(FetchedData::Active(modified(list)));
    for width in WIDTHS {
        let screen = screen_text(&state, width, 24);

        for name in ["Solar CA", "Roofing TX", "HVAC AZ"] {
            assert!(screen.contains(name), "{name} at {width}:\n{screen}");
        }
    }
    let wide = screen_text(&state, 200, 24);
    assert!(wide.contains("insurance"), "{wide}");
    assert!(wide.contains("click-ventures_ws_cal_solar_001"), "{wide}");
    assert!(wide.contains("Last lead"), "{wide}");
}

#[test]
fn audit_tab_keeps_webhooks_and_fits_actors() {
    let mut page = audit_page();
    page.events[0].actor = "dana.whitfield".to_owned();
    let state = on_tab(with_fetched(FetchedData::Audit(response(page))), '4');
    for width in WIDTHS {
        let screen = screen_text(&state, width, 24);

        for name in ["Sunrise Solar", "Roof Pros TX", "Old Solar"] {
            assert!(screen.contains(name), "{name} at {width}:\n{screen}");
        }
    }
    let wide = screen_text(&state, 200, 24);
    assert!(wide.contains("dana.whitfield"), "{wide}");
    assert!(wide.contains("job_dead_lettered"), "{wide}");
    assert!(wide.contains("duplicate of ws_cal_solar_001"), "{wide}");
}

#[test]
fn queue_tab_keeps_webhook_names() {
    let state = on_tab(loaded_state(), '3');
    for width in WIDTHS {
        let screen = screen_text(&state, width, 24);

        for name in ["HVAC AZ", "Roof Pros TX", "Sunrise Solar"] {
            assert!(screen.contains(name), "{name} at {width}:\n{screen}");
        }
    }
    let wide = screen_text(&state, 200, 24);
    assert!(wide.contains("database is locked"), "{wide}");
}

/// Ids, names and types of demo webhooks whose ids share long prefixes.
const DEMO_WEBHOOKS: [(&str, &str, &str); 6] = [
    ("coolair_ws_fl_hvac_001", "CoolAir Florida HVAC", "hvac"),
    ("coolair_ws_tx_hvac_002", "CoolAir Texas HVAC", "hvac"),
    ("coolair_ws_az_hvac_003", "CoolAir Arizona HVAC", "hvac"),
    (
        "harbor-mutual_ws_wa_insurance_002",
        "Harbor Mutual Auto WA",
        "insurance",
    ),
    (
        "harbor-mutual_ws_cal_insurance_003",
        "Harbor Mutual Auto CA",
        "insurance",
    ),
    (
        "sunpath_ws_cal_solar_002",
        "SunPath CA Solar (spring promo)",
        "solar",
    ),
];

fn demo_active_state() -> State {
    let mut list = active_list();
    let template = list.webhooks[0].clone();
    list.webhooks = DEMO_WEBHOOKS
        .iter()
        .map(|(id, name, kind)| {
            let mut webhook = template.clone();
            webhook.id = (*id).to_owned();
            webhook.name = (*name).to_owned();
            webhook.kind = (*kind).to_owned();
            webhook
        })
        .collect();
    with_fetched(FetchedData::Active(modified(list)))
}

/// Returns the text of the Id column on each table row of `screen`: the first word with
/// `_ws_` or a `…` in it, on rows that start with a row marker.
fn id_cells(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|line| line.contains('•'))
        .filter_map(|line| {
            line.split_whitespace()
                .find(|word| word.contains("_ws_") || word.contains('…'))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn active_ids_stay_distinct() {
    let state = demo_active_state();
    for width in [60, 80, 100] {
        let screen = screen_text(&state, width, 24);

        let ids = id_cells(&screen);
        assert_eq!(ids.len(), DEMO_WEBHOOKS.len(), "{width}:\n{screen}");
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len(), "{width}: {ids:?}\n{screen}");
        for (id, (full, _, _)) in ids.iter().zip(DEMO_WEBHOOKS) {
            let tail = &full[full.len() - 3..];
            assert!(id.ends_with(tail), "{width}: {id} lacks {tail}\n{screen}");
        }
    }
    let screen = screen_text(&state, 80, 24);
    for name in ["CoolAir Florida HVAC", "CoolAir Texas HVAC"] {
        assert!(screen.contains(name), "{name}:\n{screen}");
    }
    let wide = screen_text(&state, 200, 50);
    for (id, name, kind) in DEMO_WEBHOOKS {
        assert!(wide.contains(id), "{id}:\n{wide}");
        assert!(wide.contains(name), "{name}:\n{wide}");
        assert!(wide.contains(&format!(" {kind} ")), "{kind}:\n{wide}");
    }
}

#[test]
fn audit_events_read_whole_at_80() {
    let mut page = audit_page();
    let kinds = [
        "job_dead_lettered",
        "job_cancelled",
        "soft_deleted",
        "signing_secret_rotated",
        "force_deleted",
    ];
    for (event, kind) in page.events.iter_mut().zip(kinds) {
        event.event_type = kind.to_owned();
        event.webhook_name = "Harbor Mutual Auto Insurance Washington State (legacy)".to_owned();
    }
    let state = on_tab(with_fetched(FetchedData::Audit(response(page))), '4');
    for width in [80, 200] {
        let screen = screen_text(&state, width, 24);

        for label in [
            "job_dead_lettered",
            "job_cancelled",
            "soft_deleted",
            "secret_rotated",
            "force_deleted",
        ] {
            assert!(
                screen.contains(&format!(" {label} ")),
                "{label} at {width}:\n{screen}"
            );
        }
        assert!(screen.contains("Harbor Mutual Auto"), "{width}:\n{screen}");
    }
    let wide = screen_text(&state, 200, 24);
    assert!(wide.contains("Washington State (legacy)"), "{wide}");
}
