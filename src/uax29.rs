//! Fast paths for the Unicode sentence and word boundaries (UAX #29) of everyday news text, giving
//! exactly what `unicode-segmentation` gives.
//!
//! `unicode-segmentation` looks up every character in range tables and carries its general state
//! machines. Most news text is ASCII with a few accented letters, curly quotes and dashes, whose
//! boundary categories are fixed here ([`sentence_category`], [`word_category`]; the tests compare every
//! one of them with the crate, in many contexts). Text with any other character is handed to the crate:
//! a line at a time for sentences (a line break always ends a sentence segment, and the rules never look
//! across one), a whole sentence at a time for words. The state machines below are ports of the crate's
//! own (version 1.13, `src/sentence.rs` and `src/word.rs`, MIT or Apache-2.0) restricted to the
//! categories these characters have, so the boundaries are the crate's, quirks included.

use crate::segment::Span;
use unicode_segmentation::UnicodeSegmentation;

/// Sentence_Break categories of the characters handled here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SCat {
    Any,
    ATerm,
    CR,
    Close,
    LF,
    Lower,
    Numeric,
    SContinue,
    STerm,
    Sp,
    Upper,
}

/// The Sentence_Break category of `c`, for the characters handled here.
fn sentence_category(c: char) -> Option<SCat> {
    use SCat::*;
    Some(match c {
        '\t' | '\u{b}' | '\u{c}' | ' ' => Sp,
        '\n' => LF,
        '\r' => CR,
        '!' | '?' => STerm,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' => Close,
        ',' | '-' | ':' | ';' => SContinue,
        '.' => ATerm,
        '0'..='9' => Numeric,
        'A'..='Z' => Upper,
        'a'..='z' => Lower,
        '\0'..='\u{7f}' => Any,
        '\u{a0}' => Sp,
        '\u{ab}' | '\u{bb}' | '‘' | '’' | '“' | '”' => Close,
        '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{de}' => Upper,
        '\u{df}'..='\u{f6}' | '\u{f8}'..='\u{ff}' => Lower,
        '\u{100}'..='\u{17f}' if c.is_lowercase() => Lower,
        '\u{100}'..='\u{17f}' => Upper,
        '–' | '—' => SContinue,
        '\u{d7}' | '\u{f7}' | '…' => Any,
        _ => return None,
    })
}

/// [`sentence_category`] of every ASCII character.
const ASCII_SENTENCE: [Option<SCat>; 128] = {
    let mut t = [None; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = Some(match b as u8 {
            b'\t' | 0x0b | 0x0c | b' ' => SCat::Sp,
            b'\n' => SCat::LF,
            b'\r' => SCat::CR,
            b'!' | b'?' => SCat::STerm,
            b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => SCat::Close,
            b',' | b'-' | b':' | b';' => SCat::SContinue,
            b'.' => SCat::ATerm,
            b'0'..=b'9' => SCat::Numeric,
            b'A'..=b'Z' => SCat::Upper,
            b'a'..=b'z' => SCat::Lower,
            _ => SCat::Any,
        });
        b += 1;
    }
    t
};

/// For an ASCII character of a category after which no break may come (Lower, Upper, Numeric, Any,
/// SContinue), the part [`advance`] adds for it (such parts never collapse into the one before); 0 for
/// the others.
const ASCII_PLAIN_PART: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match ASCII_SENTENCE[b] {
            Some(SCat::Upper | SCat::Lower) => part::UPPER_LOWER as u8,
            Some(SCat::Numeric | SCat::Any | SCat::SContinue) => part::OTHER as u8,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// [`ASCII_PLAIN_PART`], and for the ASCII spaces (Sp) the part of a run of them: while no break may come,
/// a space keeps it so (SB11 cannot hold after it, since it did not hold before it: the part before a
/// space run is a plain one, a Close after no terminator, or the start), so the fast path takes it too.
const ASCII_QUIET_PART: [u8; 128] = {
    let mut t = ASCII_PLAIN_PART;
    let mut b = 0;
    while b < 128 {
        if matches!(ASCII_SENTENCE[b], Some(SCat::Sp)) {
            t[b] = part::SP_PLUS as u8;
        }
        b += 1;
    }
    t
};

/// 1 for a byte whose [`ASCII_QUIET_PART`] is not 0, else 0 (every byte: no bounds test when a byte
/// indexes it).
const ASCII_QUIET: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (ASCII_QUIET_PART[b] != 0) as u8;
        b += 1;
    }
    t
};

/// The end of the quiet run of ASCII `bytes` from `pos` (the first byte from `pos` whose
/// [`ASCII_QUIET_PART`] is 0, or the end): eight bytes at a time while all eight are quiet (the product
/// of their [`ASCII_QUIET`] is 1), then a byte at a time. Runs are long: letters, digits, spaces and
/// most punctuation are quiet.
#[inline]
fn quiet_run_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        if chunk.iter().fold(1, |all, &b| all & ASCII_QUIET[b as usize]) == 0 {
            break;
        }
        pos += 8;
    }
    while pos < bytes.len() && ASCII_QUIET[bytes[pos] as usize] != 0 {
        pos += 1;
    }
    pos
}

/// The state after the quiet run `run` (not empty, every byte's [`ASCII_QUIET_PART`] not 0) from
/// `state`: what adding the run's parts one at a time gives (a part to each byte, a run of spaces one
/// part, joining a space run the state ends with), found from the run's last four parts alone.
fn after_quiet_run(state: State, run: &[u8]) -> State {
    let part_of = |i: usize| ASCII_QUIET_PART[run[i] as usize] as u32;
    // The run's last parts, the latest in the low byte.
    let (mut parts, mut n) = (0u32, 0u32);
    let mut i = run.len();
    while i > 0 && n < 4 {
        i -= 1;
        let p = part_of(i);
        if p == part::SP_PLUS && i > 0 && part_of(i - 1) == part::SP_PLUS {
            continue; // (a space run counts at its first space)
        }
        parts |= p << (8 * n);
        n += 1;
    }
    if n == 4 {
        // (had the run's first space run joined the state's, the part before would be that space run)
        return parts;
    }
    // The whole run's parts, after the state's.
    if parts >> (8 * (n - 1)) == part::SP_PLUS && last(state) == part::SP_PLUS {
        n -= 1;
        parts &= (1u32 << (8 * n)).wrapping_sub(1);
    }
    if n == 0 {
        state
    } else {
        (state << (8 * n)) | parts
    }
}

/// What the sentence state machine remembers of a character (runs of Close and of Sp collapse): the
/// crate keeps the last four in an array; here they are the four bytes of a `u32`, the latest lowest.
mod part {
    pub const SOT: u32 = 0;
    pub const OTHER: u32 = 1;
    pub const CR: u32 = 2;
    pub const LF: u32 = 3;
    pub const ATERM: u32 = 4;
    pub const UPPER_LOWER: u32 = 5;
    pub const CLOSE_PLUS: u32 = 6;
    pub const SP_PLUS: u32 = 7;
    pub const STERM: u32 = 8;
}

/// The last four parts, the latest in the low byte.
type State = u32;

fn last(state: State) -> u32 {
    state & 0xff
}

fn advance(state: State, cat: SCat) -> State {
    let part = match cat {
        SCat::CR => part::CR,
        SCat::LF => part::LF,
        SCat::ATerm => part::ATERM,
        SCat::Upper | SCat::Lower => part::UPPER_LOWER,
        SCat::Close => part::CLOSE_PLUS,
        SCat::Sp => part::SP_PLUS,
        SCat::STerm => part::STERM,
        _ => part::OTHER,
    };
    if part == last(state) && (part == part::CLOSE_PLUS || part == part::SP_PLUS) {
        state
    } else {
        (state << 8) | part
    }
}

/// Drops the latest part when it is `p`.
fn skip(state: State, p: u32) -> State {
    if last(state) == p {
        state >> 8
    } else {
        state
    }
}

fn is_saterm(p: u32) -> bool {
    p == part::STERM || p == part::ATERM
}

/// SATerm Close* Sp* (SB8a, SB10): the part before the Close and Sp runs.
fn before_close_sp(state: State) -> u32 {
    last(skip(skip(state, part::SP_PLUS), part::CLOSE_PLUS))
}

/// SB9: SATerm Close*.
fn match_sb9(state: State) -> bool {
    is_saterm(last(skip(state, part::CLOSE_PLUS)))
}

/// SB11: SATerm Close* Sp* ParaSep?.
fn match_sb11(state: State) -> bool {
    let s = if matches!(last(state), part::CR | part::LF) { state >> 8 } else { state };
    is_saterm(before_close_sp(s))
}

/// SB8's look-ahead from the start of `ahead`: ( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower.
/// Returns the answer and the byte offset of the character that decided it (`ahead.len()` at the end).
fn sb8_lookahead(ahead: &str) -> (bool, usize) {
    for (i, c) in ahead.char_indices() {
        let cat = if c.is_ascii() { ASCII_SENTENCE[c as usize] } else { sentence_category(c) };
        match cat {
            Some(SCat::Lower) => return (true, i),
            Some(SCat::Upper | SCat::CR | SCat::LF | SCat::STerm | SCat::ATerm) => return (false, i),
            _ => continue,
        }
    }
    (false, ahead.len())
}

/// Appends the sentence segments of `line` (at byte `base` of the document) to `out`, as
/// `split_sentence_bound_indices` gives them; false, with nothing appended, when `line` has a character
/// this fast path does not handle.
fn sentence_spans_fast(line: &str, base: usize, out: &mut Vec<Span>) -> bool {
    let mut segmenter = SentenceSegmenter { line, base, start: 0, state: part::SOT, may_break: false, sb8_memo: None };
    let mark = out.len();
    if line.is_ascii() {
        let bytes = line.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            let b = bytes[pos];
            // Most characters are letters, digits, spaces and the like, which cannot break where no
            // break may come: they only add their part to the state (`step` would do the same: a run
            // of spaces is one part), and a run of them leaves `may_break` false.
            if ASCII_QUIET_PART[b as usize] != 0 && !segmenter.may_break {
                let end = quiet_run_end(bytes, pos);
                segmenter.state = after_quiet_run(segmenter.state, &bytes[pos..end]);
                pos = end;
                continue;
            }
            let cat = ASCII_SENTENCE[b as usize].expect("every ASCII character has a category");
            segmenter.step(pos, cat, out);
            pos += 1;
        }
    } else {
        for (pos, c) in line.char_indices() {
            let Some(cat) = sentence_category(c) else {
                out.truncate(mark);
                return false;
            };
            segmenter.step(pos, cat, out);
        }
    }
    if !line.is_empty() {
        out.push(Span::new(base + segmenter.start, base + line.len())); // SB2
    }
    true
}

/// The sentence state machine over one line.
struct SentenceSegmenter<'l> {
    line: &'l str,
    base: usize,
    /// Where the current segment starts.
    start: usize,
    state: State,
    /// Whether a break may come before the next character: SB4 or SB11 holds for the state. After a
    /// character that is not a terminator, a closing mark, a space or a line break, neither can hold.
    may_break: bool,
    /// The last SB8 look-ahead: from where it started, up to where it was decided, and its answer. The
    /// characters in between did not decide it, so a look-ahead from any of them has the same answer.
    sb8_memo: Option<(usize, usize, bool)>,
}

impl SentenceSegmenter<'_> {
    #[inline(always)]
    fn step(&mut self, pos: usize, cat: SCat, out: &mut Vec<Span>) {
        let before = self.state;
        self.state = advance(before, cat);
        // (At the first character, SB1: the break before it opens the first segment; may_break is false.)
        if self.may_break && self.breaks_before(pos, cat, before) {
            out.push(Span::new(self.base + self.start, self.base + pos));
            self.start = pos;
        }
        self.may_break = match cat {
            SCat::Lower | SCat::Upper | SCat::Numeric | SCat::Any | SCat::SContinue => false,
            _ => matches!(last(self.state), part::CR | part::LF) || match_sb11(self.state),
        };
    }

    /// Whether there is a break before the character at `pos` (category `cat`, state `before` the
    /// character), given that SB4 or SB11 holds.
    fn breaks_before(&mut self, pos: usize, cat: SCat, before: State) -> bool {
        if matches!(last(before), part::CR | part::LF) {
            return !(cat == SCat::LF && last(before) == part::CR); // SB3, SB4
        }
        // SB11 holds; the rules before it keep it from breaking.
        let after_aterm = last(before) == part::ATERM;
        match cat {
            SCat::Numeric if after_aterm => false,                                          // SB6
            SCat::Upper if after_aterm && last(before >> 8) == part::UPPER_LOWER => false,  // SB7
            _ if self.sb8(pos, before) => false,                                            // SB8
            SCat::SContinue | SCat::STerm | SCat::ATerm if is_saterm(before_close_sp(before)) => false, // SB8a
            SCat::Close | SCat::Sp | SCat::CR | SCat::LF if match_sb9(before) => false,     // SB9
            SCat::Sp | SCat::CR | SCat::LF if is_saterm(before_close_sp(before)) => false,  // SB10
            _ => true,                                                                      // SB11
        }
    }

    /// SB8: ATerm Close* Sp* × ( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower.
    fn sb8(&mut self, pos: usize, before: State) -> bool {
        if before_close_sp(before) != part::ATERM {
            return false;
        }
        if let Some((from, to, answer)) = self.sb8_memo {
            if from <= pos && pos <= to {
                return answer;
            }
        }
        let (answer, at) = sb8_lookahead(&self.line[pos..]);
        self.sb8_memo = Some((pos, pos + at, answer));
        answer
    }
}

/// The sentence segments of `text` (UAX #29 sentence boundaries), as
/// `text.split_sentence_bound_indices()` gives them.
#[inline]
pub fn sentence_spans(text: &str) -> Vec<Span> {
    if text.is_ascii() {
        return ascii_sentence_spans(text);
    }
    let mut out = Vec::new();
    let mut base = 0;
    for line in text.split_inclusive('\n') {
        if !sentence_spans_fast(line, base, &mut out) {
            out.extend(line.split_sentence_bound_indices().map(|(start, s)| Span::new(base + start, base + start + s.len())));
        }
        base += line.len();
    }
    out
}

/// [`sentence_spans`] of ASCII `text`: the state machine over the whole text, as the crate runs its own
/// (every ASCII character is handled, so no line needs the crate), without a search for the line ends.
pub(crate) fn ascii_sentence_spans(text: &str) -> Vec<Span> {
    debug_assert!(text.is_ascii());
    let mut out = Vec::new();
    let handled = sentence_spans_fast(text, 0, &mut out);
    debug_assert!(handled, "every ASCII character is handled");
    out
}

/// Word_Break categories of the characters handled here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WCat {
    Any,
    ALetter,
    Numeric,
    ExtendNumLet,
    MidLetter,
    MidNum,
    MidNumLet,
    SingleQuote,
    DoubleQuote,
    WSegSpace,
    CR,
    LF,
    Newline,
}

/// The Word_Break category of `c`, for the characters handled here.
fn word_category(c: char) -> Option<WCat> {
    use WCat::*;
    Some(match c {
        'A'..='Z' | 'a'..='z' => ALetter,
        '0'..='9' => Numeric,
        ' ' => WSegSpace,
        '_' => ExtendNumLet,
        '.' => MidNumLet,
        ':' => MidLetter,
        ',' | ';' => MidNum,
        '\'' => SingleQuote,
        '"' => DoubleQuote,
        '\n' => LF,
        '\r' => CR,
        '\u{b}' | '\u{c}' => Newline,
        '\0'..='\u{7f}' => Any,
        '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{17f}' => ALetter,
        '‘' | '’' => MidNumLet,
        '\u{a0}' | '\u{ab}' | '\u{bb}' | '\u{d7}' | '\u{f7}' | '“' | '”' | '–' | '—' | '…' => Any,
        _ => return None,
    })
}

/// The word state machine's states (the crate's, without those only other characters reach).
#[derive(Clone, Copy, PartialEq, Eq)]
enum WState {
    Start,
    Letter,
    Numeric,
    ExtendNumLet,
    WSegSpace,
    RequireLetter,
    RequireNumeric,
}

/// The length of the first word segment of `s` (not empty, every character handled here).
fn first_word_len(s: &str, cats: impl Iterator<Item = (usize, WCat)>) -> usize {
    let mut state = WState::Start;
    let mut take_curr = true;
    let mut idx = 0;
    let mut saveidx = 0;
    let mut cats = cats.peekable();
    while let Some((curr, cat)) = cats.next() {
        idx = curr;
        state = match state {
            WState::Start => match cat {
                WCat::CR => {
                    if cats.peek().is_some_and(|&(_, next)| next == WCat::LF) {
                        idx += 1; // WB3
                    }
                    break; // WB3a
                }
                WCat::ALetter => WState::Letter,
                WCat::Numeric => WState::Numeric,
                WCat::ExtendNumLet => WState::ExtendNumLet,
                WCat::WSegSpace => WState::WSegSpace,
                _ => break, // WB3a, WB999: a segment of one character
            },
            WState::WSegSpace => match cat {
                WCat::WSegSpace => WState::WSegSpace,
                _ => {
                    take_curr = false;
                    break;
                }
            },
            WState::Letter => match cat {
                WCat::ALetter => WState::Letter,
                WCat::Numeric => WState::Numeric,
                WCat::ExtendNumLet => WState::ExtendNumLet,
                WCat::MidLetter | WCat::MidNumLet | WCat::SingleQuote => {
                    saveidx = idx;
                    WState::RequireLetter // WB6
                }
                _ => {
                    take_curr = false;
                    break;
                }
            },
            WState::Numeric => match cat {
                WCat::Numeric => WState::Numeric,
                WCat::ALetter => WState::Letter,
                WCat::ExtendNumLet => WState::ExtendNumLet,
                WCat::MidNum | WCat::MidNumLet | WCat::SingleQuote => {
                    saveidx = idx;
                    WState::RequireNumeric // WB12
                }
                _ => {
                    take_curr = false;
                    break;
                }
            },
            WState::ExtendNumLet => match cat {
                WCat::ExtendNumLet => WState::ExtendNumLet,
                WCat::ALetter => WState::Letter,
                WCat::Numeric => WState::Numeric,
                _ => {
                    take_curr = false;
                    break;
                }
            },
            WState::RequireLetter if cat == WCat::ALetter => WState::Letter, // WB7
            WState::RequireNumeric if cat == WCat::Numeric => WState::Numeric, // WB11
            WState::RequireLetter | WState::RequireNumeric => break,
        };
    }
    if matches!(state, WState::RequireLetter | WState::RequireNumeric) {
        // The middle character was not followed by what it needs: the segment ends before it.
        idx = saveidx;
        take_curr = false;
    }
    if take_curr {
        idx += s[idx..].chars().next().map_or(0, char::len_utf8);
    }
    idx
}

/// The word-boundary segments of `text` with their byte offsets, as `text.split_word_bound_indices()`
/// gives them. An iterator rather than a callback, so that the tokeniser's loop body and the ASCII fast
/// path below compile into one loop (a callback called from several places is not inlined).
pub fn word_bounds(text: &str) -> WordBounds<'_> {
    let mode = if text.is_ascii() {
        Mode::Ascii
    } else if text.chars().all(|c| word_category(c).is_some()) {
        Mode::Handled
    } else {
        Mode::Crate(text.split_word_bound_indices())
    };
    WordBounds { text, pos: 0, mode }
}

/// The iterator of [`word_bounds`].
pub struct WordBounds<'t> {
    text: &'t str,
    /// Where the next segment starts (fast paths).
    pos: usize,
    mode: Mode<'t>,
}

/// How [`WordBounds`] finds the segments.
enum Mode<'t> {
    /// ASCII text: byte tables and shortcuts.
    Ascii,
    /// Text of characters handled here: the state machine, a character at a time.
    Handled,
    /// Other text: the crate.
    Crate(unicode_segmentation::UWordBoundIndices<'t>),
}

impl<'t> Iterator for WordBounds<'t> {
    type Item = (usize, &'t str);

    #[inline]
    fn next(&mut self) -> Option<(usize, &'t str)> {
        let text = self.text;
        let pos = self.pos;
        if pos >= text.len() {
            // (the crate's iterator keeps its own position)
            return match &mut self.mode {
                Mode::Crate(words) => words.next(),
                _ => None,
            };
        }
        let len = match &mut self.mode {
            Mode::Ascii => ascii_word_len(text, pos),
            Mode::Handled => handled_word_len(&text[pos..]),
            Mode::Crate(words) => return words.next(),
        };
        self.pos = pos + len;
        Some((pos, &text[pos..pos + len]))
    }
}

/// The word-boundary segments of `text` that are not whitespace, as byte spans in `text`, each with
/// whether whitespace comes right before it (the first one counts as after whitespace): [`word_bounds`]
/// without its whitespace segments, for the tokeniser. In ASCII text a space is skipped where it is met,
/// a byte at a time, instead of being cut as a segment and then tested: a run of spaces is one segment
/// that nothing joins (WB3d), so the segment after it starts at its first other byte either way. Spans
/// rather than slices: an ASCII segment is not sliced (and its ends tested for character boundaries)
/// unless the tokeniser needs its characters.
pub fn spaced_word_bounds(text: &str) -> SpacedWordBounds<'_> {
    SpacedWordBounds { words: word_bounds(text), space: true }
}

/// [`spaced_word_bounds`] of `text` known to be ASCII (a part of an ASCII document): its bytes are not
/// tested again.
pub(crate) fn spaced_ascii_word_bounds(text: &str) -> SpacedWordBounds<'_> {
    debug_assert!(text.is_ascii());
    SpacedWordBounds { words: WordBounds { text, pos: 0, mode: Mode::Ascii }, space: true }
}

/// The iterator of [`spaced_word_bounds`].
pub struct SpacedWordBounds<'t> {
    words: WordBounds<'t>,
    /// Whether whitespace came since the last segment given.
    space: bool,
}

/// Whether `piece` is whitespace (`char::is_whitespace` of each character), decided by its first byte
/// for most pieces: one that starts with an ASCII character other than a space or one of 9 to 13 (tab
/// to carriage return) is not.
#[inline]
fn is_whitespace(piece: &str) -> bool {
    match piece.as_bytes().first() {
        Some(&b) if b.is_ascii() && b != b' ' && !(9..=13).contains(&b) => false,
        _ => piece.chars().all(char::is_whitespace),
    }
}

impl SpacedWordBounds<'_> {
    /// Whether the text is ASCII (found when the iterator was made).
    pub fn is_ascii(&self) -> bool {
        matches!(self.words.mode, Mode::Ascii)
    }
}

impl Iterator for SpacedWordBounds<'_> {
    type Item = (Span, bool);

    #[inline]
    fn next(&mut self) -> Option<(Span, bool)> {
        loop {
            let span = if let Mode::Ascii = self.words.mode {
                let (text, bytes) = (self.words.text, self.words.text.as_bytes());
                let mut pos = self.words.pos;
                while bytes.get(pos) == Some(&b' ') {
                    pos += 1;
                    self.space = true;
                }
                if pos >= bytes.len() {
                    return None;
                }
                let len = ascii_word_len(text, pos);
                self.words.pos = pos + len;
                // An ASCII segment that starts with whitespace (here not a space: tab to carriage
                // return) is whitespace: that character alone, or CR LF (WB3, WB3a).
                if (9..=13).contains(&bytes[pos]) {
                    self.space = true;
                    continue;
                }
                Span::new(pos, pos + len)
            } else {
                let (offset, piece) = self.words.next()?;
                if is_whitespace(piece) {
                    self.space = true;
                    continue;
                }
                Span::new(offset, offset + piece.len())
            };
            let space = std::mem::replace(&mut self.space, false);
            return Some((span, space));
        }
    }
}

/// The length of the segment of ASCII `text` that starts at `pos` (< `text.len()`).
// Always inlined: the tokeniser calls it for every segment, through [`SpacedWordBounds`].
#[inline(always)]
fn ascii_word_len(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    match ASCII_WORD[bytes[pos] as usize] {
        // Most segments are a run of letters ended by a character that cannot continue a word
        // (WB5, then WB999): found without the state machine. A letter run continues before a
        // digit (WB9) or '_' (WB13a), and before a (Mid)letter/(Mid)numletter/quote only when a
        // letter follows that (WB6).
        WCat::ALetter => {
            let run = letter_run_end(bytes, pos + 1) - pos;
            let continues = bytes.get(pos + run).is_some_and(|&b| match ASCII_WORD[b as usize] {
                WCat::Numeric | WCat::ExtendNumLet => true,
                WCat::MidLetter | WCat::MidNumLet | WCat::SingleQuote => {
                    bytes.get(pos + run + 1).is_some_and(|&b| ASCII_WORD[b as usize] == WCat::ALetter)
                }
                _ => false,
            });
            if !continues {
                return run;
            }
        }
        // Spaces stay together (WB3d) and nothing else joins them (ASCII has no Extend or Format).
        WCat::WSegSpace => return bytes[pos..].iter().position(|&b| b != b' ').unwrap_or(bytes.len() - pos),
        // A segment that starts with one of these is that character alone: nothing joins after
        // it (WB999), since the rules that join after a (Mid)letter/(Mid)num/quote (WB7, WB11)
        // need it joined to the character before it, which starts no segment.
        WCat::Any | WCat::MidNum | WCat::MidLetter | WCat::MidNumLet | WCat::SingleQuote | WCat::DoubleQuote => return 1,
        _ => {}
    }
    ascii_machine_len(&text[pos..])
}

/// The end of the run of letters of ASCII `bytes` from `pos` (the first byte from `pos` that is not an
/// ASCII letter, or the end): eight bytes at a time, then a byte at a time for the last few. Words are
/// mostly runs of letters, and this is the tokeniser's inner loop.
#[inline(always)]
fn letter_run_end(bytes: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        // Each byte folded to lowercase (an ASCII byte | 0x20 is at most 0x7f, so the sums below carry
        // into no other byte); its high bit then says whether it is at least 'a', and at least '{'.
        let y = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) | (ONES * 0x20);
        let letters = (y + ONES * (0x80 - b'a' as u64)) & !(y + ONES * (0x80 - b'{' as u64)) & HIGHS;
        if letters != HIGHS {
            return pos + ((!letters & HIGHS).trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
        pos += 1;
    }
    pos
}

/// [`first_word_len`] of ASCII `rest` (the cases the shortcuts above leave).
#[inline(never)]
fn ascii_machine_len(rest: &str) -> usize {
    let cats = rest.bytes().enumerate().map(|(i, b)| (i, ASCII_WORD[b as usize]));
    first_word_len(rest, cats)
}

/// The length of the first segment of `rest` (not empty, every character handled here).
#[inline(never)]
fn handled_word_len(rest: &str) -> usize {
    let cats = rest.char_indices().map(|(i, c)| (i, word_category(c).unwrap_or(WCat::Any)));
    first_word_len(rest, cats)
}

/// [`word_category`] of every ASCII byte (and `Any` for the others, which only make the table cover
/// every byte: an ASCII byte indexes it without a bounds test).
const ASCII_WORD: [WCat; 256] = {
    let mut t = [WCat::Any; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'A'..=b'Z' | b'a'..=b'z' => WCat::ALetter,
            b'0'..=b'9' => WCat::Numeric,
            b' ' => WCat::WSegSpace,
            b'_' => WCat::ExtendNumLet,
            b'.' => WCat::MidNumLet,
            b':' => WCat::MidLetter,
            b',' | b';' => WCat::MidNum,
            b'\'' => WCat::SingleQuote,
            b'"' => WCat::DoubleQuote,
            b'\n' => WCat::LF,
            b'\r' => WCat::CR,
            0x0b | 0x0c => WCat::Newline,
            _ => WCat::Any,
        };
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_sentences(text: &str) -> Vec<Span> {
        text.split_sentence_bound_indices().map(|(s, p)| Span::new(s, s + p.len())).collect()
    }

    fn crate_words(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    fn fast_words(text: &str) -> Vec<(usize, &str)> {
        word_bounds(text).collect()
    }

    /// [`spaced_word_bounds`] with each segment's offset and text.
    fn spaced_words(text: &str) -> Vec<(usize, &str, bool)> {
        spaced_word_bounds(text).map(|(span, space)| (span.start, span.slice(text), space)).collect()
    }

    /// [`word_bounds`] without whitespace segments, each with whether one came before it.
    fn spaced_reference(text: &str) -> Vec<(usize, &str, bool)> {
        let mut space = true;
        let mut out = Vec::new();
        for (offset, piece) in word_bounds(text) {
            if piece.chars().all(char::is_whitespace) {
                space = true;
            } else {
                out.push((offset, piece, std::mem::replace(&mut space, false)));
            }
        }
        out
    }

    /// Every character handled here, and a few that are not.
    fn alphabet() -> Vec<char> {
        let mut chars: Vec<char> = (0u8..128).map(char::from).collect();
        chars.extend((0xa0u32..=0x17f).filter_map(char::from_u32));
        chars.extend(['‘', '’', '“', '”', '–', '—', '…', '\u{85}', '\u{2028}', '\u{301}', '\u{200d}', 'ß', 'Ω', '中', '😀', '\u{ad}']);
        chars
    }

    /// Contexts in which every category behaves differently from the others.
    const CONTEXTS: &[&str] = &[
        "{}", "a{}", "{}a", "a. {}", "a. {}b", "a. {}B", "A.{}", "a.{}1", "a.{}B", "a.{}b", "a. {} b", "a. {} B", "a! {} b",
        "a.) {}", "a.{}) b", "a. ({} b", "a.{}\nb", "a. {}. b", "{}. B", "a{}. B", "a{}b", "1{}2", "a{}1", "1{}a", "a {} b",
        "x{}{}y", "{}{}", "{} {}", "a.{}{}b", "It is. {} Then", "No. 1{}", "U.S{}. Army", "“Yes.{}” he said. {}", "a_{}", "{}_a",
        "a'{}", "1,{}2", "a:{}b", "1.{}5", "a\r{}\n", "{}\r\n{}", "a  {}  b", "a.\t{}b", "a.\u{a0}{}b", "(a.){} b",
    ];

    #[test]
    fn ascii_tables_agree_with_the_category_functions() {
        for b in 0u8..128 {
            assert_eq!(ASCII_SENTENCE[b as usize], sentence_category(b as char), "{b}");
            assert_eq!(Some(ASCII_WORD[b as usize]), word_category(b as char), "{b}");
            let cat = ASCII_SENTENCE[b as usize].unwrap();
            let no_break_after = matches!(cat, SCat::Lower | SCat::Upper | SCat::Numeric | SCat::Any | SCat::SContinue);
            assert_eq!(ASCII_PLAIN_PART[b as usize] != 0, no_break_after, "{b}");
            if no_break_after {
                for state in [part::SOT, part::SP_PLUS, 0x0405_0607, ASCII_PLAIN_PART[b as usize] as u32] {
                    assert_eq!(advance(state, cat), (state << 8) | ASCII_PLAIN_PART[b as usize] as u32, "{b}");
                }
            }
        }
    }

    #[test]
    fn every_handled_character_has_the_crates_boundaries_in_every_context() {
        let mut checked = 0;
        for c in alphabet() {
            for context in CONTEXTS {
                let text = context.replace("{}", &c.to_string());
                assert_eq!(sentence_spans(&text), crate_sentences(&text), "sentences of {text:?}");
                assert_eq!(fast_words(&text), crate_words(&text), "words of {text:?}");
                assert_eq!(spaced_words(&text), spaced_reference(&text), "words of {text:?}");
                checked += 1;
            }
        }
        assert!(checked > 15_000);
    }

    #[test]
    fn random_ascii_text_has_the_crates_boundaries() {
        // The ASCII fast paths (letter runs, characters after which no sentence break may come).
        let common: Vec<char> = "aaaaeeeennttss AAB.,.,!?'\"()_ \n\r\t1234-:;@#$%&*+=/<>[]{}|~`^\u{b}\u{c}".chars().collect();
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1du64);
        for _ in 0..20_000 {
            let len = (next() % 32) as usize;
            let text: String = (0..len).map(|_| common[(next() >> 8) as usize % common.len()]).collect();
            assert_eq!(sentence_spans(&text), crate_sentences(&text), "sentences of {text:?}");
            assert_eq!(fast_words(&text), crate_words(&text), "words of {text:?}");
            assert_eq!(spaced_words(&text), spaced_reference(&text), "words of {text:?}");
        }
    }

    #[test]
    fn random_text_has_the_crates_boundaries() {
        let alphabet = alphabet();
        let common: Vec<char> = "aaaaeeeennttss AAB.,.,!?'\"()’“” \n1-:;—é".chars().collect();
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15u64);
        for round in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| {
                    let r = next();
                    if round % 2 == 0 || !r.is_multiple_of(5) { common[(r >> 8) as usize % common.len()] } else { alphabet[(r >> 8) as usize % alphabet.len()] }
                })
                .collect();
            assert_eq!(sentence_spans(&text), crate_sentences(&text), "sentences of {text:?}");
            assert_eq!(fast_words(&text), crate_words(&text), "words of {text:?}");
            assert_eq!(spaced_words(&text), spaced_reference(&text), "words of {text:?}");
        }
    }

    #[test]
    fn a_letter_run_ends_at_the_first_byte_that_is_not_a_letter() {
        let mut next = crate::test_rng::xorshift(0x7f4a_7c15_9e37_79b9u64);
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| if next().is_multiple_of(6) { (next() % 128) as u8 } else { b"azAZmq@[`{"[(next() % 10) as usize] }).collect();
            for pos in 0..=len {
                let expected = bytes[pos..].iter().position(|b| !b.is_ascii_alphabetic()).map_or(len, |n| pos + n);
                assert_eq!(letter_run_end(&bytes, pos), expected, "{bytes:?} from {pos}");
            }
        }
    }

    #[test]
    fn a_quiet_run_ends_at_the_first_byte_that_is_not_quiet() {
        let mut next = crate::test_rng::xorshift(0x0f1e_2d3c_4b5a_6978u64);
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| if next().is_multiple_of(12) { b".\"'()?!\n"[(next() % 8) as usize] } else { b"ab Z9,-"[(next() % 7) as usize] }).collect();
            for pos in 0..=len {
                let expected = bytes[pos..].iter().position(|&b| ASCII_QUIET_PART[b as usize] == 0).map_or(len, |n| pos + n);
                assert_eq!(quiet_run_end(&bytes, pos), expected, "{bytes:?} from {pos}");
            }
        }
    }

    #[test]
    fn a_quiet_run_leaves_the_state_of_its_parts_one_by_one() {
        let quiet: Vec<u8> = (0u8..128).filter(|&b| ASCII_QUIET_PART[b as usize] != 0).collect();
        let mut next = crate::test_rng::xorshift(0x1234_5678_9abc_def1u64);
        for round in 0..50_000 {
            let len = 1 + (next() % 12) as usize;
            // Mostly letters and spaces, so that space runs and short runs come often.
            let run: Vec<u8> = (0..len).map(|_| if next().is_multiple_of(2) { b" a\t"[(next() % 3) as usize] } else { quiet[(next() % quiet.len() as u64) as usize] }).collect();
            let state = if round % 2 == 0 { next() as u32 } else { (next() as u32 & !0xff) | part::SP_PLUS };
            let mut expected = state;
            for &b in &run {
                let p = ASCII_QUIET_PART[b as usize] as u32;
                if p != part::SP_PLUS || last(expected) != part::SP_PLUS {
                    expected = (expected << 8) | p;
                }
            }
            assert_eq!(after_quiet_run(state, &run), expected, "{run:?} from {state:#x}");
        }
    }

    #[test]
    fn news_text_has_the_crates_boundaries() {
        for text in [
            "The U.S. Army said so. It left.\n\nMr. Kim met Dr. Lee.  “We will win.” Then he left...",
            "It had stolen $ 300,000 in 2019-2020. Ha told reporters after the session. . It's 2.5%!",
            "Café au lait. Über alles! Señora López, José’s “friend” — and Zürich… (see p. 3.) ok.\r\nNext",
            "a. . . b?! c.’ d\n\n\ne",
            "",
            " ",
            "\n",
        ] {
            assert_eq!(sentence_spans(text), crate_sentences(text), "{text:?}");
            assert_eq!(fast_words(text), crate_words(text), "{text:?}");
            assert_eq!(spaced_words(text), spaced_reference(text), "{text:?}");
        }
        let long = format!("a. {}x", " ".repeat(5_000));
        assert_eq!(sentence_spans(&long), crate_sentences(&long));
    }
}
