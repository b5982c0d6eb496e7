//! The JSONL record parser on arbitrary lines: a record or an error message, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mtlint::input::{parse_json_record, JsonFields};

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let fields = JsonFields::default();
    if let Ok(record) = parse_json_record(&line, &fields, "fuzz:1") {
        assert!(!record.id.is_empty());
    }
});
