//! Property tests (proptest) of the library on arbitrary text: every span lies on UTF-8 boundaries inside
//! the text, sentences are ordered and disjoint, findings lie inside their sentence, scores are
//! probabilities, and the same input always gives the same output.

use mtlint::model::default_model;
use mtlint::{split_sentences, Document, Scanner};
use proptest::prelude::*;

/// Text built from pieces that exercise the segmenter and detectors: words, names, foreign words,
/// abbreviations, quotes of every kind, currency, spacing, newlines and arbitrary Unicode.
fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("The".to_string()),
        Just("company".to_string()),
        Just("said".to_string()),
        Just("she".to_string()),
        Just("him".to_string()),
        Just("Pyongyang".to_string()),
        Just("trató".to_string()),
        Just("Mr.".to_string()),
        Just("U.S.".to_string()),
        Just(". .".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just("«".to_string()),
        Just("$ 300".to_string()),
        Just("2,5".to_string()),
        Just("piracy attack".to_string()),
        Just("for have".to_string()),
        Just("well-trained".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just(".".to_string()),
        Just("?".to_string()),
        "\\PC{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sentence_spans_are_ordered_boundaries_inside_the_text(text in text_strategy()) {
        let spans = split_sentences(&text);
        let mut last_end = 0;
        for s in &spans {
            prop_assert!(s.start >= last_end && s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            prop_assert_eq!(s.slice(&text).trim(), s.slice(&text));
            last_end = s.end;
        }
    }

    #[test]
    fn tokens_lie_inside_their_sentence(text in text_strategy()) {
        let doc = Document::new(&text);
        for s in &doc.sentences {
            for t in &s.tokens {
                prop_assert!(s.span.start <= t.span.start && t.span.end <= s.span.end && t.span.start < t.span.end);
                prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            }
        }
    }

    #[test]
    fn scan_is_well_formed_and_deterministic(text in text_strategy()) {
        let scanner = Scanner::new(default_model());
        let a = scanner.scan("p".into(), &text);
        let b = scanner.scan("p".into(), &text);
        prop_assert!((0.0..=1.0).contains(&a.score));
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        for s in &a.sentences {
            prop_assert!((0.0..=1.0).contains(&s.score));
            prop_assert_eq!(&text[s.start..s.end], s.text.as_str());
            for f in &s.findings {
                prop_assert!(s.start <= f.start && f.end <= s.end && f.start < f.end, "{:?} outside {}..{}", f, s.start, s.end);
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            }
        }
        for p in &a.passages {
            prop_assert!((0.0..=1.0).contains(&p.score) && p.start <= p.end && p.end <= text.len());
        }
    }
}
