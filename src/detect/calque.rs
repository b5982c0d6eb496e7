//! Literal calques and garbled idioms ("a piracy attack", "the North American company", "to cough up
//! human cells").
//!
//! MT renders source idioms word by word. The fixed phrases it produces are listed, with their source
//! idiom and the English a news desk would write, in `lists/calques.tsv`; the list is curated from the
//! patterns of Spanish, French and German news MT, never from one article. Informal money idioms used with
//! a non-money object ("cough up human cells") are in `lists/idioms.tsv`. Unusual collocations that no list
//! names are the fluency model's job (see `fluency`).

use super::classes::{Builder, Classes};
use super::{Detector, Family, Finding};
use crate::document::{Document, Token, TokenKind};
use crate::wordmap::WordMap;
use rustc_hash::FxHashMap;

/// One element of a calque pattern.
#[derive(Debug, Clone)]
enum Slot {
    /// Any of these words (by id in [`Calques::ids`]).
    Words(Vec<u32>),
    Number,
    /// Any of these words or any number (`{two,three,#}`).
    WordsOrNumber(Vec<u32>),
}

#[derive(Debug, Clone)]
struct Calque {
    slots: Vec<Slot>,
    source: String,
    english: String,
    /// Words that, right before the phrase, make it ordinary English ("felt assured that").
    not_after: Vec<String>,
}

#[derive(Debug, Clone)]
struct MoneyIdiom {
    particle: String,
    meaning: String,
}

/// The calque and idiom lists, indexed by first word.
///
/// Every word the patterns and idiom verbs name has an id (from 1; 0 is any other word): a sentence's
/// words are looked up once, and patterns are matched by comparing ids.
pub struct Calques {
    ids: WordMap<u32>,
    /// Whether `ids` are the ids of the default lists, which a token's classes hold (see [`register`]):
    /// then a sentence's words need no lookup here.
    ids_in_classes: bool,
    /// The calques starting with each word, indexed by word id.
    by_first_word: Vec<Vec<usize>>,
    /// The calques of `by_first_word` that can match given their first word's id and what comes next
    /// (a listed word's id, [`NUMBER_NEXT`] for a number), in list order, for the first words whose
    /// calques all have a second slot (marked in `by_first_two_words`): "the" starts 18 calques, and
    /// most of them need not be tried.
    by_first_two: FxHashMap<(u32, u32), Vec<usize>>,
    by_first_two_words: Vec<bool>,
    starting_with_number: Vec<usize>,
    calques: Vec<Calque>,
    /// Money idioms by the id of their verb.
    idioms: FxHashMap<u32, MoneyIdiom>,
    /// Whether each word id is an idiom verb: most listed words are not, and need no hash lookup.
    idiom_verbs: Vec<bool>,
}

const MONEY_WORDS: &[&str] = &[
    "money", "cash", "funds", "fund", "dollars", "euros", "pounds", "fees", "fee", "fines", "fine", "taxes", "tax",
    "bills", "rent", "ransom", "payment", "payments", "millions", "billions", "thousands", "dough", "bucks",
    "compensation", "damages", "salary", "wages", "premium", "premiums", "price", "prices", "cost", "costs",
];

/// The key of a number token in [`Calques::by_first_two`] (no word id is this large).
const NUMBER_NEXT: u32 = u32::MAX;

/// The id of `word`, given it a new one when it has none.
fn intern(ids: &mut WordMap<u32>, word: &str) -> u32 {
    let next = ids.len() as u32 + 1;
    let id = ids.get_or_insert_default(word.as_bytes());
    if *id == 0 {
        *id = next;
    }
    *id
}

fn parse_slots(pattern: &str, ids: &mut WordMap<u32>) -> Vec<Slot> {
    pattern
        .split_whitespace()
        .map(|w| {
            if w == "#" {
                Slot::Number
            } else if let Some(inner) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                let number = inner.split(',').any(|w| w == "#");
                let words: Vec<u32> = inner.split(',').filter(|w| *w != "#").map(|w| intern(ids, w)).collect();
                match (words.is_empty(), number) {
                    (true, _) => Slot::Number,
                    (false, true) => Slot::WordsOrNumber(words),
                    (false, false) => Slot::Words(words),
                }
            } else {
                Slot::Words(vec![intern(ids, w)])
            }
        })
        .collect()
}

/// The entries of a list: lines with at least three tab-separated columns.
fn data_lines(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines().map(|l| l.split('\t').collect::<Vec<_>>()).filter(|cols| cols.len() >= 3)
}

impl Default for Calques {
    fn default() -> Self {
        let mut calques = Calques::default_lists();
        calques.ids_in_classes = true;
        calques
    }
}

impl Calques {
    fn default_lists() -> Self {
        Calques::from_lists(include_str!("lists/calques.tsv"), include_str!("lists/idioms.tsv"))
    }
}

/// Registers the word ids of the default lists as word classes ([`Classes::calque_word`]). Only the
/// entries with a letter: only words are looked up, and a token with a letter is a word (so an id like
/// that of a "#" in a word set could never match in either way).
pub(super) fn register(b: &mut Builder) {
    for (word, id) in Calques::default_lists().ids.iter() {
        let word = std::str::from_utf8(word).expect("the lists are text");
        if word.chars().any(char::is_alphabetic) {
            b.add_numbered(word, Classes::calque_word(id), Classes::calque_id);
        }
    }
}

impl Calques {
    /// Builds the detector from a calque list and an idiom list in the formats of `lists/`.
    pub fn from_lists(calques_tsv: &str, idioms_tsv: &str) -> Self {
        let mut calques = Vec::new();
        let mut ids = WordMap::with_capacity(256, 4096);
        let mut by_first_word: Vec<Vec<usize>> = Vec::new();
        let mut starting_with_number = Vec::new();
        // Comment lines have no tabs; a pattern may itself start with "#" (a number slot).
        for cols in data_lines(calques_tsv) {
            let slots = parse_slots(cols[0], &mut ids);
            let index = calques.len();
            if matches!(slots[0], Slot::Number | Slot::WordsOrNumber(_)) {
                starting_with_number.push(index);
            }
            if let Slot::Words(words) | Slot::WordsOrNumber(words) = &slots[0] {
                for &w in words {
                    if by_first_word.len() <= w as usize {
                        by_first_word.resize_with(w as usize + 1, Vec::new);
                    }
                    by_first_word[w as usize].push(index);
                }
            }
            let not_after = cols.get(3).and_then(|c| c.strip_prefix("not after:")).map_or_else(Vec::new, |words| {
                words.split(',').map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect()
            });
            calques.push(Calque { slots, source: cols[1].to_string(), english: cols[2].to_string(), not_after });
        }
        let mut idioms = FxHashMap::default();
        for cols in data_lines(idioms_tsv) {
            for verb in cols[0].split(',') {
                idioms.insert(intern(&mut ids, verb), MoneyIdiom { particle: cols[1].to_string(), meaning: cols[2].to_string() });
            }
        }
        let mut by_first_two: FxHashMap<(u32, u32), Vec<usize>> = FxHashMap::default();
        let mut by_first_two_words = vec![false; by_first_word.len()];
        for (first, candidates) in by_first_word.iter().enumerate() {
            if candidates.is_empty() || candidates.iter().any(|&c| calques[c].slots.len() < 2) {
                continue;
            }
            by_first_two_words[first] = true;
            for &c in candidates {
                let (words, number): (&[u32], bool) = match &calques[c].slots[1] {
                    Slot::Words(words) => (words, false),
                    Slot::Number => (&[], true),
                    Slot::WordsOrNumber(words) => (words, true),
                };
                let mut push = |next: u32| {
                    let list = by_first_two.entry((first as u32, next)).or_default();
                    // A second word listed twice in the slot must not add the calque twice.
                    if list.last() != Some(&c) {
                        list.push(c);
                    }
                };
                words.iter().for_each(|&w| push(w));
                if number {
                    push(NUMBER_NEXT);
                }
            }
        }
        let mut idiom_verbs = vec![false; ids.len() + 1];
        for &verb in idioms.keys() {
            idiom_verbs[verb as usize] = true;
        }
        Calques { ids, ids_in_classes: false, by_first_word, by_first_two, by_first_two_words, starting_with_number, calques, idioms, idiom_verbs }
    }

    /// The ids of the words of `tokens` (0 for other words and for numbers and punctuation), looked up
    /// (when the ids are not in the tokens' classes: see [`TokenIds`]).
    fn word_ids(&self, doc: &Document, tokens: &[Token]) -> Vec<u32> {
        let ids = &self.ids;
        tokens.iter().map(|t| if t.kind == TokenKind::Word { ids.get(doc.low(t).as_bytes()).unwrap_or(0) } else { 0 }).collect()
    }

    /// Token index just past a match of `calque` starting at `start`, if it matches. The token at `start`
    /// is known to fill the calque's first slot (the calque is among its word's or its number's candidates).
    fn matches<I: WordIds + ?Sized>(&self, doc: &Document, tokens: &[Token], ids: &I, start: usize, calque: &Calque) -> Option<usize> {
        let mut i = start + 1;
        for slot in &calque.slots[1..] {
            // Calques never span sentence punctuation: skip nothing, compare token by token.
            let t = tokens.get(i)?;
            let ok = match slot {
                Slot::Number => t.kind == TokenKind::Number,
                // Only words have an id other than 0, and every listed word has one.
                Slot::Words(words) => ids.id(i) != 0 && words.contains(&ids.id(i)),
                Slot::WordsOrNumber(words) => t.kind == TokenKind::Number || (ids.id(i) != 0 && words.contains(&ids.id(i))),
            };
            if !ok {
                return None;
            }
            i += 1;
        }
        let excused = start > 0 && calque.not_after.iter().any(|w| w == doc.low(&tokens[start - 1]));
        (!excused).then_some(i)
    }

    fn money_idiom<I: WordIds + ?Sized>(&self, doc: &Document, tokens: &[Token], ids: &I, i: usize, out: &mut Vec<Finding>) {
        let Some(idiom) = self.idioms.get(&ids.id(i)) else { return };
        let Some(particle) = tokens.get(i + 1).filter(|t| doc.low(t) == idiom.particle) else { return };
        // The object: the next few words up to a punctuation mark.
        let object: Vec<&Token> = tokens[i + 2..].iter().take_while(|t| t.kind != TokenKind::Punct).take(4).collect();
        if object.is_empty() {
            return;
        }
        let about_money = object.iter().any(|t| t.kind == TokenKind::Number || MONEY_WORDS.contains(&doc.low(t)))
            || tokens.get(i + 2).is_some_and(|t| matches!(doc.tok(t), "$" | "€" | "£"));
        if about_money {
            return;
        }
        let last = object.last().map_or(particle.span.end, |t| t.span.end);
        out.push(Finding::new(
            Family::Calque,
            "garbled-idiom",
            tokens[i].span.start,
            last,
            format!(
                "\"{} {}\" means {}, but its object here is not money: a garbled idiom",
                doc.tok(&tokens[i]),
                doc.tok(particle),
                idiom.meaning
            ),
        ));
    }
}

impl Detector for Calques {
    fn family(&self) -> Family {
        Family::Calque
    }

    fn description(&self) -> &'static str {
        "literal calques of Spanish, French and German news phrases, and money idioms with a non-money object"
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        let tokens = &doc.sentences[index].tokens;
        if self.ids_in_classes {
            self.detect_with(doc, tokens, &TokenIds(tokens), out);
        } else {
            self.detect_with(doc, tokens, self.word_ids(doc, tokens).as_slice(), out);
        }
    }
}

/// A word id by token index: the calque detector's (see [`Calques::detect_with`]).
trait WordIds {
    fn id(&self, i: usize) -> u32;
}

impl WordIds for [u32] {
    #[inline(always)]
    fn id(&self, i: usize) -> u32 {
        self[i]
    }
}

/// The ids in the tokens' classes (the default lists'), read where they are instead of copied into a
/// vector per sentence. Only words have classes: other tokens get 0.
struct TokenIds<'a>(&'a [Token]);

impl WordIds for TokenIds<'_> {
    #[inline(always)]
    fn id(&self, i: usize) -> u32 {
        self.0[i].classes.calque_id()
    }
}

impl Calques {
    /// Finds the calques and garbled idioms of `tokens`, whose word ids `ids` gives.
    fn detect_with<I: WordIds + ?Sized>(&self, doc: &Document, tokens: &[Token], ids: &I, out: &mut Vec<Finding>) {
        for (i, t) in tokens.iter().enumerate() {
            // Only a listed word (an id from 1) or a number starts a calque or an idiom: other tokens
            // (most) are passed over at once.
            if t.kind != TokenKind::Number && ids.id(i) == 0 {
                continue;
            }
            let candidates: &[usize] = match t.kind {
                TokenKind::Word if self.by_first_two_words.get(ids.id(i) as usize).copied().unwrap_or(false) => {
                    // Only the calques whose second slot the next token fills.
                    let next = match tokens.get(i + 1) {
                        Some(n) if n.kind == TokenKind::Number => NUMBER_NEXT,
                        Some(_) => ids.id(i + 1),
                        None => 0,
                    };
                    if next == 0 { &[] } else { self.by_first_two.get(&(ids.id(i), next)).map_or(&[], Vec::as_slice) }
                }
                TokenKind::Word => self.by_first_word.get(ids.id(i) as usize).map_or(&[], Vec::as_slice),
                TokenKind::Number => &self.starting_with_number,
                TokenKind::Punct => &[],
            };
            for &c in candidates {
                let calque = &self.calques[c];
                if let Some(end) = self.matches(doc, tokens, ids, i, calque) {
                    let span_end = tokens[end - 1].span.end;
                    let phrase = &doc.text[t.span.start..span_end];
                    out.push(Finding::new(
                        Family::Calque,
                        "literal-calque",
                        t.span.start,
                        span_end,
                        format!("\"{phrase}\" is a literal calque ({}); English news writes {}", calque.source, calque.english),
                    ));
                    break;
                }
            }
            if self.idiom_verbs.get(ids.id(i) as usize).copied().unwrap_or(false) {
                self.money_idiom(doc, tokens, ids, i, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testutil::run;

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&Calques::default(), text)
    }

    #[test]
    fn flags_listed_calques() {
        assert_eq!(
            flags("The EMA said it had been the victim of a piracy attack last month."),
            vec![("calque/literal-calque".into(), "piracy attack".into())]
        );
        assert_eq!(flags("The North American company pointed out that two groups were responsible.")[0].1, "The North American company");
        assert_eq!(flags("The index fell 8,121 integers on Monday.")[0].1, "8,121 integers");
        assert_eq!(flags("He has lived there since several years.")[0].1, "since several years");
        assert_eq!(flags("The minister, in statements to the radio, denied it.")[0].1, "in statements to");
        assert_eq!(flags("The ministry gave no further informations about the case.")[0].1, "informations");
        assert_eq!(flags("Olive oil output fell by almost a 40 percent with regard to last year.")[0].1, "a 40 percent with");
        assert_eq!(flags("By his part, the mayor put in march a new plan.").iter().map(|f| f.1.as_str()).collect::<Vec<_>>(), ["By his part", "put in march"]);
        assert_eq!(flags("The country celebrated elections after it lost 5 million of euros.").len(), 2);
        assert_eq!(flags("The ministry announced this Tuesday that Congress gave green light to it.").len(), 2);
    }

    #[test]
    fn word_ids_from_token_classes_are_the_looked_up_ones() {
        let (from_classes, looked_up) = (Calques::default(), Calques::default_lists());
        assert!(from_classes.ids_in_classes && !looked_up.ids_in_classes);
        let doc = Document::new("The North American company, in statements to the radio, had to cough up 8,121 integers since several years. A piracy attack! Shell out; FORK OUT it's");
        for (i, s) in doc.sentences.iter().enumerate() {
            let in_classes = TokenIds(&s.tokens);
            let ids: Vec<u32> = (0..s.tokens.len()).map(|k| in_classes.id(k)).collect();
            assert!(ids.iter().any(|&id| id != 0), "sentence {i}");
            assert_eq!(ids, looked_up.word_ids(&doc, &s.tokens), "sentence {i}");
        }
        for (word, id) in looked_up.ids.iter() {
            let word = std::str::from_utf8(word).unwrap();
            let expected = if word.chars().any(char::is_alphabetic) { id } else { 0 };
            assert_eq!(crate::detect::classes::of(word).calque_id(), expected, "{word}");
        }
    }

    #[test]
    fn flags_money_idiom_with_non_money_object() {
        let f = flags("It uses messenger RNA to cough up human cells and turn them into factories.");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "calque/garbled-idiom");
        assert!(f[0].1.starts_with("cough up human cells"));
    }

    #[test]
    fn leaves_idiomatic_english_alone() {
        assert!(flags("Taxpayers had to cough up $300 million, and firms shelled out more money.").is_empty());
        assert!(flags("North American markets rose, and the company said the attack was a hack.").is_empty());
        assert!(flags("Software piracy costs the industry billions, the study found.").is_empty());
        assert!(flags("He has lived there since 2019 and for several years before that.").is_empty());
        assert!(flags("He gave no further information and won by a 60 percent to 40 percent margin, a 40 percent rise.").is_empty());
        assert!(flags("For his part, the mayor gave the green light; fans celebrated the win and millions of people cheered.").is_empty());
        assert!(flags("Voters held elections on Tuesday, and she said this week that one million of them had voted.").is_empty());
    }

    #[test]
    fn words_before_a_phrase_can_make_it_english() {
        assert_eq!(flags("The minister assured that the vaccine was safe.")[0].1, "assured that");
        assert!(flags("Towards evening I felt assured that all was well.").is_empty());
        assert!(flags("Rest assured that we will call.").is_empty());
        assert_eq!(flags("The city counts with three hospitals.")[0].1, "counts with");
        assert!(flags("He was counted with the rebels.").is_empty());
    }

    #[test]
    fn a_number_in_a_word_set_matches_numbers_and_the_words() {
        // calques.tsv: since {several,...,ten,#} {years,months,weeks,days}
        assert_eq!(flags("He has lived there since 3 years.")[0].1, "since 3 years");
        assert_eq!(flags("He has lived there since ten years.")[0].1, "since ten years");
        assert!(flags("He has lived there since 2019.").is_empty());
        assert!(flags("He has lived there for 3 years.").is_empty());
    }

    #[test]
    fn list_parses_number_patterns_and_skips_comments() {
        let c = Calques::default();
        assert!(c.calques.len() > 40);
        assert!(!c.starting_with_number.is_empty());
        assert!(c.ids.get(b"#").is_none_or(|id| c.by_first_word.get(id as usize).is_none_or(Vec::is_empty)));
    }
}
