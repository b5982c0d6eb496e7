//! Word classes: which of the detectors' fixed word lists a word is on, as bits, found with one lookup
//! per word when the document is tokenised (see [`Token::classes`](crate::document::Token)).
//!
//! Each detector used to compare every word with its short lists (and the pronoun rule with five
//! gazetteer sets, once per gender): many string comparisons and hash lookups per word. Here all lists go
//! into one table, built once, and a word's bits say on which lists it is. A detector keeps its lists
//! where they are documented, and registers them in [`build`].
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
}

fn build() -> WordMap<Classes> {
    let mut b = Builder { map: WordMap::with_capacity(20_000, 200_000) };
    super::pronoun::register(&mut b);
    super::grammar::register(&mut b);
    super::word_order::register(&mut b);
    b.map
}

fn table() -> &'static WordMap<Classes> {
    static TABLE: OnceLock<WordMap<Classes>> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// The classes of a lowercase word (not apostrophe-folded: the lists are compared with the lowercase
/// text as written).
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
}
