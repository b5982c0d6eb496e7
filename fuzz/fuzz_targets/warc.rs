//! WARC reading of arbitrary bytes: records, skips or errors until the end, never a panic or a loop.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = mtlint::input::warc::WarcReader::new(std::io::BufReader::new(data));
    for _ in 0..10_000 {
        match reader.next_record() {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
});
