//! Word classes: which of the detectors' fixed word lists a word is on, as bits, found with one lookup
//! per word when the document is tokenised (see [`Token::classes`](crate::document::Token)).
//!
//! Each detector used to compare every word with its short lists (and the pronoun rule with five
//! gazetteer sets, once per gender): many string comparisons and hash lookups per word. Here all lists go
//! into one table, built once, and a word's bits say on which lists it is. A detector keeps its lists
//! where they are documented, and registers them in [`build`]. The feature extractor's function and
//! profile words and the calque detector's word ids are in the same table, as numbered classes.
//!
//! Only words (tokens of kind `Word`) are looked up; the others have no class. That is exact because
//! every listed entry has a letter in it, and a token with a letter is a word (a test checks this).

use crate::wordmap::WordMap;
use std::sync::OnceLock;

/// A set of word classes (bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes(u32);

impl Classes {
    /// No class.
    pub const NONE: Classes = Classes(0);
    // The pronoun rule's gazetteer (`lists/`).
    pub const PLACE: Classes = Classes(1 << 0);
    pub const ORGANISATION: Classes = Classes(1 << 1);
    pub const FEMALE: Classes = Classes(1 << 2);
    pub const MALE: Classes = Classes(1 << 3);
    pub const PERSON: Classes = Classes(1 << 4);
    /// "she", "her", "hers", "herself".
    pub const FEMALE_PRONOUN: Classes = Classes(1 << 5);
    /// "he", "him", "his", "himself".
    pub const MALE_PRONOUN: Classes = Classes(1 << 6);
    /// Verbs of saying after a speaker ("said", "told").
    pub const SPEECH_VERB: Classes = Classes(1 << 7);
    // Grammar.
    pub const PREPOSITION_TAKING_GERUND: Classes = Classes(1 << 8);
    pub const BASE_VERB: Classes = Classes(1 << 9);
    pub const SUBJECTLESS_OPENER: Classes = Classes(1 << 10);
    /// The first word of an impossible word pair.
    pub const PAIR_FIRST: Classes = Classes(1 << 11);
    /// The second word of an impossible word pair.
    pub const PAIR_SECOND: Classes = Classes(1 << 12);
    // Word order.
    pub const PREDICATIVE_BEFORE: Classes = Classes(1 << 13);
    pub const REPORTING_VERB: Classes = Classes(1 << 14);
    // Features.
    /// A function word (`features::FUNCTION_WORDS`).
    pub const FUNCTION_WORD: Classes = Classes(1 << 15);
    /// Bits 16 to 21: 1 + the index of a profile word (`features::PROFILE_WORDS`), 0 for other words.
    const PROFILE_SHIFT: u32 = 16;
    const PROFILE_MASK: u32 = 0x3f;
    /// Bits 22 to 31: the word's id in the default calque lists ([`Calques`](super::calque::Calques)), 0
    /// for other words.
    const CALQUE_SHIFT: u32 = 22;
    /// Calque word ids that fit.
    pub const MAX_CALQUE_ID: u32 = (1 << (32 - Self::CALQUE_SHIFT)) - 1;

    /// Profile word `index` as a class.
    pub fn profile_word(index: usize) -> Classes {
        assert!(index < Self::PROFILE_MASK as usize, "profile word index {index} does not fit");
        Classes((index as u32 + 1) << Self::PROFILE_SHIFT)
    }

    /// The profile word index of these classes.
    #[inline]
    pub fn profile_index(self) -> Option<usize> {
        ((self.0 >> Self::PROFILE_SHIFT) & Self::PROFILE_MASK).checked_sub(1).map(|i| i as usize)
    }

    /// Calque word id `id` (at most [`Self::MAX_CALQUE_ID`]) as a class.
    pub fn calque_word(id: u32) -> Classes {
        assert!((1..=Self::MAX_CALQUE_ID).contains(&id), "calque word id {id} does not fit");
        Classes(id << Self::CALQUE_SHIFT)
    }

    /// The calque word id of these classes (0 for none).
    #[inline]
    pub fn calque_id(self) -> u32 {
        self.0 >> Self::CALQUE_SHIFT
    }

    /// Whether any class of `other` is in `self`.
    #[inline]
    pub fn has(self, other: Classes) -> bool {
        self.0 & other.0 != 0
    }
}

impl std::ops::BitOr for Classes {
    type Output = Classes;
    fn bitor(self, other: Classes) -> Classes {
        Classes(self.0 | other.0)
    }
}

/// Collects the lists into the table.
pub(crate) struct Builder {
    map: WordMap<Classes>,
}

impl Builder {
    /// Puts every word of `words` in `class` (a word may be in several).
    pub(crate) fn add<'a>(&mut self, words: impl IntoIterator<Item = &'a str>, class: Classes) {
        for w in words {
            let c = self.map.get_or_insert_default(w.as_bytes());
            *c = *c | class;
        }
    }

    /// Puts `word` in `class`, one of the numbered classes ([`Classes::profile_word`],
    /// [`Classes::calque_word`]): a word has at most one number of each kind.
    pub(crate) fn add_numbered(&mut self, word: &str, class: Classes, field: fn(Classes) -> u32) {
        let c = self.map.get_or_insert_default(word.as_bytes());
        assert!(field(*c) == 0 || field(*c) == field(class), "{word:?} has two numbers");
        *c = *c | class;
    }
}

fn build() -> WordMap<Classes> {
    let mut b = Builder { map: WordMap::with_capacity(20_000, 200_000) };
    super::pronoun::register(&mut b);
    super::grammar::register(&mut b);
    super::word_order::register(&mut b);
    super::calque::register(&mut b);
    crate::features::register(&mut b);
    b.map
}

fn table() -> &'static WordMap<Classes> {
    static TABLE: OnceLock<WordMap<Classes>> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// Builds the table of listed words now, if no one has (start-up builds it on a background thread
/// while the fluency model loads: the tokeniser's word table needs both).
pub(crate) fn preload() {
    table();
}

/// The classes of a lowercase word (not apostrophe-folded: the lists are compared with the lowercase
/// text as written).
/// The listed words with their classes, in no particular order.
pub(crate) fn listed() -> impl Iterator<Item = (&'static [u8], Classes)> {
    table().iter()
}

#[inline]
pub fn of(lower_word: &str) -> Classes {
    table().get(lower_word.as_bytes()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_word_has_a_letter() {
        for (w, _) in table().iter() {
            assert!(std::str::from_utf8(w).unwrap().chars().any(char::is_alphabetic), "{w:?}");
        }
    }

    #[test]
    fn words_get_the_classes_of_their_lists() {
        assert!(of("she").has(Classes::FEMALE_PRONOUN) && of("she").has(Classes::FEMALE));
        assert!(of("paris").has(Classes::PLACE));
        assert!(of("the").has(Classes::PAIR_FIRST) && of("of").has(Classes::PAIR_SECOND));
        assert!(of("for").has(Classes::PREPOSITION_TAKING_GERUND));
        assert_eq!(of("zebra-crossing"), Classes::NONE);
        assert_eq!(of("She"), Classes::NONE, "lookups are by the lowercase word");
    }

    #[test]
    fn numbered_classes_round_trip() {
        assert_eq!(Classes::profile_word(0).profile_index(), Some(0));
        assert_eq!(Classes::profile_word(40).profile_index(), Some(40));
        assert_eq!(Classes::NONE.profile_index(), None);
        let c = Classes::profile_word(7) | Classes::calque_word(Classes::MAX_CALQUE_ID) | Classes::REPORTING_VERB | Classes::FUNCTION_WORD;
        assert_eq!((c.profile_index(), c.calque_id()), (Some(7), Classes::MAX_CALQUE_ID));
        assert!(c.has(Classes::REPORTING_VERB) && c.has(Classes::FUNCTION_WORD) && !c.has(Classes::PLACE));
    }
}
