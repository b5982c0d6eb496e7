//! Segmentation and tokenisation of arbitrary bytes (decoded lossily): no panic, spans on char boundaries,
//! sentences ordered and inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = mtlint::Document::new(&text);
    let mut last = 0;
    for s in &doc.sentences {
        assert!(s.span.start >= last && s.span.end <= text.len());
        assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
        last = s.span.end;
        for t in &s.tokens {
            assert!(t.span.start >= s.span.start && t.span.end <= s.span.end);
        }
    }
});
