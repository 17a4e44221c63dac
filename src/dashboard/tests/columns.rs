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
