//! Word-frequency lexicons, embedded in the binary.
//!
//! Whether a single word is English cannot be judged by a language identifier (whatlang gets single words
//! wrong about half the time); word frequencies can. `data/lexicon/*.tsv` are derived from wordfreq (see
//! `data/lexicon/README.md`, CC-BY-SA 4.0): English with Zipf frequencies, and for Spanish, French, German,
//! Portuguese and Italian only the words that are rare in English, so loanwords ("fiesta", "regime") are
//! not in them. They are parsed once, on first use.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// A word -> Zipf frequency table (log10 of frequency per billion words; 3 is "1 in a million").
pub struct Lexicon {
    zipf: FxHashMap<&'static str, f32>,
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
    fn parse(tsv: &'static str) -> Self {
        let mut zipf = FxHashMap::default();
        zipf.reserve(tsv.len() / 12);
        for (word, f) in entries(tsv) {
            zipf.insert(word, f);
        }
        Lexicon { zipf }
    }

    /// The Zipf frequency of a lowercase word, 0 when unknown.
    pub fn zipf(&self, lower_word: &str) -> f32 {
        self.zipf.get(lower_word).copied().unwrap_or(0.0)
    }

    /// The words and their frequencies, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, f32)> + '_ {
        self.zipf.iter().map(|(w, z)| (*w, *z))
    }

    pub fn contains(&self, lower_word: &str) -> bool {
        self.zipf.contains_key(lower_word)
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

/// The English lexicon.
pub fn english() -> &'static Lexicon {
    static EN: OnceLock<Lexicon> = OnceLock::new();
    EN.get_or_init(|| Lexicon::parse(include_str!("../data/lexicon/en.tsv")))
}

/// The lexicon of one source language (only words rare in English).
pub fn foreign(lang: SourceLanguage) -> &'static Lexicon {
    static TABLES: OnceLock<Vec<Lexicon>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| SourceLanguage::ALL.iter().map(|l| Lexicon::parse(l.tsv())).collect());
    &tables[lang as usize]
}

/// The source language in which `lower_word` is most frequent, with its Zipf frequency.
pub fn best_foreign(lower_word: &str) -> Option<(SourceLanguage, f32)> {
    SourceLanguage::ALL
        .iter()
        .map(|&l| (l, foreign(l).zipf(lower_word)))
        .filter(|(_, z)| *z > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
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
        for lang in SourceLanguage::ALL {
            let reference: Vec<(&str, f32)> = lang
                .tsv()
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .filter_map(|(w, f)| f.trim().parse::<f32>().ok().map(|f| (w, f)))
                .collect();
            assert!(entries(lang.tsv()).eq(reference.into_iter()), "{}", lang.name());
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
