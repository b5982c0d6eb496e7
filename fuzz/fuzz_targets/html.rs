//! Article extraction from arbitrary HTML (decoded with the page's own charset rules): no panic, no hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let page = mtlint::input::html::decode(data, None);
    let text = mtlint::input::html::article_text(&page);
    let _ = mtlint::Document::new(&text);
});
