//! RSS/Atom parsing of arbitrary bytes: items or an error message, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(items) = mtlint::input::feed::read_feed(data) {
        for item in items {
            let _ = item.text;
        }
    }
});
