//! Word-frequency lexicons, embedded in the binary.
//!
//! Whether a single word is English cannot be judged by a language identifier (whatlang gets single words
//! wrong about half the time); word frequencies can. `data/lexicon/*.tsv` are derived from wordfreq (see
//! `data/lexicon/README.md`, CC-BY-SA 4.0): English with Zipf frequencies, and for Spanish, French, German,
//! Portuguese and Italian only the words that are rare in English, so loanwords ("fiesta", "regime") are
//! not in them.
//!
//! Start-up reads no text: build.rs parses the English lexicon into a word table ([`WordMap`]) and the
//! foreign ones into one table of each word's most frequent source language, and the binary copies
//! those tables in on first use (the English one on a background thread at start-up; the foreign one
//! when a rare word first needs it). [`foreign`] still parses a language's list, once, on first use.

use crate::wordmap::{WordKey, WordMap};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// A word -> Zipf frequency table (log10 of frequency per billion words; 3 is "1 in a million").
pub struct Lexicon {
    zipf: WordMap<f32>,
}

/// The `word<TAB>frequency` lines of a lexicon whose frequency parses, in file order: what
/// `tsv.lines()`, `split_once('\t')` and `trim().parse::<f32>()` give, in one pass over the bytes.
fn entries(tsv: &str) -> impl Iterator<Item = (&str, f32)> {
    let bytes = tsv.as_bytes();
    let mut pos = 0;
    // A lexicon has a few hundred distinct frequencies ("3.25"): each is parsed once.
    let mut parsed: FxHashMap<u64, Option<f32>> = FxHashMap::default();
    std::iter::from_fn(move || {
        while pos < bytes.len() {
            let start = pos;
            let rest = &bytes[pos..];
            let stop = rest.iter().position(|&b| b == b'\t' || b == b'\n').unwrap_or(rest.len());
            let end = stop + rest[stop..].iter().position(|&b| b == b'\n').unwrap_or(rest.len() - stop);
            pos += end + 1;
            if rest.get(stop) != Some(&b'\t') {
                continue; // no tab on this line
            }
            let (tab, i) = (start + stop, start + end);
            // A '\r' before the '\n' is whitespace, which trim() removes.
            let freq = tsv[tab + 1..i].trim();
            let value = if freq.len() < 8 {
                let mut packed = [0u8; 8];
                packed[..freq.len()].copy_from_slice(freq.as_bytes());
                packed[7] = freq.len() as u8;
                *parsed.entry(u64::from_le_bytes(packed)).or_insert_with(|| freq.parse::<f32>().ok())
            } else {
                freq.parse::<f32>().ok()
            };
            if let Some(value) = value {
                return Some((&tsv[start..tab], value));
            }
        }
        None
    })
}

impl Lexicon {
    /// The lexicon of a `word<TAB>frequency` list (the last line of a word counts). build.rs lays out
    /// the embedded English list the same way (with the definition of [`entries`] its test checks).
    fn parse(tsv: &str) -> Self {
        let mut zipf = WordMap::with_capacity(tsv.len() / 12, tsv.len());
        for (word, f) in entries(tsv) {
            zipf.insert(word.as_bytes(), f);
        }
        Lexicon { zipf }
    }

    /// The Zipf frequency of a lowercase word, 0 when unknown.
    pub fn zipf(&self, lower_word: &str) -> f32 {
        self.zipf.get(lower_word.as_bytes()).unwrap_or(0.0)
    }

    /// [`Lexicon::zipf`] with the word's key already computed (`key` is `WordKey::of(lower_word)`, as
    /// for the tokeniser's word table).
    pub(crate) fn zipf_keyed(&self, lower_word: &str, key: &WordKey) -> f32 {
        self.zipf.get_keyed(lower_word.as_bytes(), key).unwrap_or(0.0)
    }

    /// The words and their frequencies, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f32)> + '_ {
        // The words come from text (`&str` lists).
        self.zipf.iter().filter_map(|(w, z)| std::str::from_utf8(w).ok().map(|w| (w, z)))
    }

    pub fn contains(&self, lower_word: &str) -> bool {
        self.zipf.get(lower_word.as_bytes()).is_some()
    }

    pub fn len(&self) -> usize {
        self.zipf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.zipf.is_empty()
    }
}

/// The source languages whose untranslated words the detector knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceLanguage {
    Spanish,
    French,
    German,
    Portuguese,
    Italian,
}

impl SourceLanguage {
    pub const ALL: [SourceLanguage; 5] = [
        SourceLanguage::Spanish,
        SourceLanguage::French,
        SourceLanguage::German,
        SourceLanguage::Portuguese,
        SourceLanguage::Italian,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SourceLanguage::Spanish => "Spanish",
            SourceLanguage::French => "French",
            SourceLanguage::German => "German",
            SourceLanguage::Portuguese => "Portuguese",
            SourceLanguage::Italian => "Italian",
        }
    }

    fn tsv(self) -> &'static str {
        match self {
            SourceLanguage::Spanish => include_str!("../data/lexicon/es.tsv"),
            SourceLanguage::French => include_str!("../data/lexicon/fr.tsv"),
            SourceLanguage::German => include_str!("../data/lexicon/de.tsv"),
            SourceLanguage::Portuguese => include_str!("../data/lexicon/pt.tsv"),
            SourceLanguage::Italian => include_str!("../data/lexicon/it.tsv"),
        }
    }
}

/// The English lexicon (`data/lexicon/en.tsv`, laid out by build.rs).
pub fn english() -> &'static Lexicon {
    static EN: OnceLock<Lexicon> = OnceLock::new();
    EN.get_or_init(|| {
        let layout = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon_en.bin"));
        Lexicon { zipf: WordMap::from_layout_bytes(layout, f32::from_le_bytes).expect("build.rs lays out the English lexicon") }
    })
}

/// The lexicon of one source language (only words rare in English).
pub fn foreign(lang: SourceLanguage) -> &'static Lexicon {
    static TABLES: OnceLock<Vec<Lexicon>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| SourceLanguage::ALL.iter().map(|l| Lexicon::parse(l.tsv())).collect());
    &tables[lang as usize]
}

/// The source language in which `lower_word` is most frequent, with its Zipf frequency: of the
/// languages whose lexicon has the word with a frequency above 0, the one with the highest, the last
/// of [`SourceLanguage::ALL`] of equal ones. build.rs works this out for every word of the lexicons.
pub fn best_foreign(lower_word: &str) -> Option<(SourceLanguage, f32)> {
    static BEST: OnceLock<WordMap<(u8, f32)>> = OnceLock::new();
    let best = BEST.get_or_init(|| {
        let layout = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon_foreign.bin"));
        let value = |b: [u8; 5]| (b[0], f32::from_le_bytes([b[1], b[2], b[3], b[4]]));
        WordMap::from_layout_bytes(layout, value).expect("build.rs lays out the foreign lexicons")
    });
    let (lang, zipf) = best.get(lower_word.as_bytes())?;
    Some((*SourceLanguage::ALL.get(lang as usize)?, zipf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_knows_common_words_and_loanwords() {
        assert!(english().zipf("the") > 7.0);
        assert!(english().zipf("fiesta") > 2.0);
        assert_eq!(english().zipf("trató"), 0.0);
    }

    #[test]
    fn entries_read_lines_as_lines_and_split_once_do() {
        let tsv = "a\t1.5\r\nno tab\n\nb\t 2 \nc\tx\nd\te\t3\n\te\t0.25\nf\t-1.75e0\nlast\t4.125";
        let expected: Vec<(&str, f32)> = tsv
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(w, f)| f.trim().parse::<f32>().ok().map(|f| (w, f)))
            .collect();
        assert_eq!(entries(tsv).collect::<Vec<_>>(), expected);
        assert_eq!(expected.len(), 4);
        for (name, tsv) in SourceLanguage::ALL.map(|l| (l.name(), l.tsv())).into_iter().chain([("English", include_str!("../data/lexicon/en.tsv"))]) {
            let reference: Vec<(&str, f32)> = tsv
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .filter_map(|(w, f)| f.trim().parse::<f32>().ok().map(|f| (w, f)))
                .collect();
            assert!(entries(tsv).eq(reference.into_iter()), "{name}");
        }
    }

    #[test]
    fn the_tables_laid_out_by_build_rs_are_those_of_the_lists() {
        let parsed = Lexicon::parse(include_str!("../data/lexicon/en.tsv"));
        assert_eq!(english().len(), parsed.len());
        for (word, zipf) in parsed.iter() {
            assert_eq!(english().zipf(word).to_bits(), zipf.to_bits(), "{word}");
        }
        let mut words: Vec<&str> = SourceLanguage::ALL.iter().flat_map(|&l| foreign(l).iter().map(|(w, _)| w)).collect();
        words.extend(["the", "fiesta", "", "zzzz"]);
        for word in words {
            let expected = SourceLanguage::ALL
                .iter()
                .map(|&l| (l, foreign(l).zipf(word)))
                .filter(|(_, z)| *z > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            assert_eq!(best_foreign(word).map(|(l, z)| (l, z.to_bits())), expected.map(|(l, z)| (l, z.to_bits())), "{word}");
        }
    }

    #[test]
    fn foreign_lists_hold_source_words_but_not_loanwords() {
        assert_eq!(best_foreign("trató").map(|(l, _)| l), Some(SourceLanguage::Spanish));
        assert_eq!(best_foreign("allerdings").map(|(l, _)| l), Some(SourceLanguage::German));
        for loan in ["fiesta", "regime", "via", "pizza", "the", "president"] {
            assert!(best_foreign(loan).is_none(), "{loan} should not be foreign");
        }
    }
}
