//! Untranslated source-language words left in English text ("North Korea trató to obtain").
//!
//! A word is flagged when it is unknown or very rare in English but common in Spanish, French, German,
//! Portuguese or Italian (the lexicons in `lexicon`). Names are the main risk of false alarms, so
//! capitalised words inside a sentence are left alone, and so are words in quotes (a deliberate citation
//! of a foreign term) and loanwords (they are in the English lexicon and so not in the foreign lists).
//! When many words of a long sentence are not English, whatlang judges the whole sentence: a sentence left
//! untranslated is reported once, as such.

use super::classes::Classes;
use super::{Detector, Family, Finding};
use crate::document::{Document, Token, TokenKind};
use crate::lexicon::best_foreign;

/// Thresholds of the untranslated-word rule.
pub struct ForeignWords {
    /// A word at or above this Zipf frequency in English is English.
    pub max_english_zipf: f32,
    /// A word must be at least this frequent in the source language...
    pub min_foreign_zipf: f32,
    /// ...or this frequent if it has no accent (unaccented short words collide with English typos and names).
    pub min_foreign_zipf_plain: f32,
}

impl Default for ForeignWords {
    fn default() -> Self {
        ForeignWords { max_english_zipf: 1.5, min_foreign_zipf: 2.5, min_foreign_zipf_plain: 3.5 }
    }
}

fn has_accent(word: &str) -> bool {
    word.chars().any(|c| matches!(c, 'à'..='ÿ') && c != '÷')
}

impl ForeignWords {
    /// Whether a word (lowercase, with its English Zipf frequency) is a common source-language word.
    fn is_foreign(&self, lower: &str, english_zipf: f32) -> Option<(&'static str, f32)> {
        if lower.len() < 3 || lower.contains(['-', '\'', '’']) || english_zipf >= self.max_english_zipf {
            return None;
        }
        let (lang, zipf) = best_foreign(lower)?;
        let needed = if has_accent(lower) { self.min_foreign_zipf } else { self.min_foreign_zipf_plain };
        (zipf >= needed).then_some((lang.name(), zipf))
    }
}

fn quoted(doc: &Document, tokens: &[Token], i: usize) -> bool {
    let is_quote = |t: Option<&Token>| t.is_some_and(|t| matches!(doc.tok(t), "\"" | "“" | "”" | "'" | "‘" | "’" | "«" | "»"));
    is_quote(i.checked_sub(1).and_then(|j| tokens.get(j))) && is_quote(tokens.get(i + 1))
}

impl Detector for ForeignWords {
    fn family(&self) -> Family {
        Family::ForeignWord
    }

    fn description(&self) -> &'static str {
        "untranslated Spanish, French, German, Portuguese or Italian words, judged with frequency lexicons"
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        let tokens = &doc.sentences[index].tokens;
        let first_word = tokens.iter().position(|t| t.kind == TokenKind::Word);
        let mut words = 0usize;
        let mut not_english = 0usize;
        let before = out.len();
        for (i, t) in tokens.iter().enumerate() {
            if t.kind != TokenKind::Word {
                continue;
            }
            words += 1;
            if t.zipf < 1.0 {
                not_english += 1;
            }
            if t.zipf >= self.max_english_zipf {
                continue; // English (what `is_foreign` checks first, and the cheapest test)
            }
            let original = doc.tok(t);
            let lower = doc.low(t);
            let capitalised = original.chars().next().is_some_and(char::is_uppercase);
            let all_caps = original.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
            if (capitalised && Some(i) != first_word) || (all_caps && original.len() > 1) || quoted(doc, tokens, i) {
                continue;
            }
            if let Some((lang, zipf)) = self.is_foreign(lower, t.zipf) {
                if capitalised && !has_accent(lower) && zipf < 4.5 {
                    continue; // a capitalised sentence opener is often a name
                }
                if capitalised && tokens.get(i + 1).is_some_and(|n| n.classes.has(Classes::SPEECH_VERB)) {
                    continue; // a speaker's name ("Aquilo asked")
                }
                out.push(Finding::new(
                    Family::ForeignWord,
                    "untranslated-word",
                    t.span.start,
                    t.span.end,
                    format!("\"{original}\" is a common {lang} word, not English: left untranslated"),
                ));
            }
        }
        let span = doc.sentences[index].span;
        if words >= 6 && span.len() >= 40 && not_english * 10 >= words * 4 {
            if let Some(lang) = foreign_sentence_language(doc.slice(span)) {
                out.truncate(before);
                out.push(Finding::new(
                    Family::ForeignWord,
                    "untranslated-sentence",
                    span.start,
                    span.end,
                    format!("the sentence is in {lang}, not English: left untranslated"),
                ));
            }
        }
    }
}

/// Whatlang's verdict on a whole sentence, when it is confidently one of the source languages.
fn foreign_sentence_language(sentence: &str) -> Option<&'static str> {
    use whatlang::{Detector as LangDetector, Lang};
    let allow = vec![Lang::Eng, Lang::Spa, Lang::Fra, Lang::Deu, Lang::Por, Lang::Ita];
    let info = LangDetector::with_allowlist(allow).detect(sentence)?;
    if !info.is_reliable() || info.lang() == Lang::Eng {
        return None;
    }
    Some(match info.lang() {
        Lang::Spa => "Spanish",
        Lang::Fra => "French",
        Lang::Deu => "German",
        Lang::Por => "Portuguese",
        _ => "Italian",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testutil::run;

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&ForeignWords::default(), text)
    }

    #[test]
    fn flags_untranslated_words() {
        assert_eq!(
            flags("The service said that North Korea trató to obtain related technology."),
            vec![("foreign-word/untranslated-word".into(), "trató".into())]
        );
        assert_eq!(flags("The company said it would also invest, según the minister.")[0].1, "según");
        assert_eq!(flags("The government allerdings rejected the plan.")[0].1, "allerdings");
        assert_eq!(flags("The talks failed, selon the ministry.")[0].1, "selon");
    }

    #[test]
    fn leaves_names_loanwords_and_quoted_terms_alone() {
        assert!(flags("The fiesta in San José drew crowds, and the regime's elite came via Madrid.").is_empty());
        assert!(flags("Leader Kim Jong-un met Ha Tae-keung and Señora López in Zürich.").is_empty());
        assert!(flags("The party calls itself “Podemos” and its voters the “indignados”.").is_empty());
        assert!(flags("A kindergarten teacher felt angst over the pizza and pasta.").is_empty());
        // A capitalised opener before a speech verb is the speaker's name.
        assert!(flags("Aquilo asked, winking at Ivory.").is_empty());
        assert_eq!(flags("They said aquilo was over.").len(), 1, "the same word lowercase, inside a sentence");
    }

    #[test]
    fn reports_a_whole_untranslated_sentence_once() {
        let f = flags("El gobierno anunció que también aumentará los impuestos para las empresas grandes.");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "foreign-word/untranslated-sentence");
    }
}
