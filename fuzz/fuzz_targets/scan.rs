//! The whole scoring path (segmenter, every detector, fluency model, profile, model) on arbitrary text:
//! no panic, findings inside their sentence, scores in [0, 1].
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static SCANNER: OnceLock<mtlint::Scanner<'static>> = OnceLock::new();
    let scanner = SCANNER.get_or_init(|| mtlint::Scanner::new(mtlint::model::default_model()));
    let text = String::from_utf8_lossy(data);
    let report = scanner.scan("fuzz".into(), &text);
    assert!((0.0..=1.0).contains(&report.score));
    for s in &report.sentences {
        assert!((0.0..=1.0).contains(&s.score));
        for f in &s.findings {
            assert!(s.start <= f.start && f.end <= s.end && f.start < f.end);
            assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        }
    }
});
