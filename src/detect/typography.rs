//! Foreign typography: punctuation and number conventions of the source language carried into English.
//!
//! MT engines translate words but often keep the source's typography: French and Spanish put a space
//! between a currency sign and the amount ("$ 300 million") and before "%", use decimal commas ("2,5
//! million"), thousands dots ("3.000 million") and guillemets, and quote marks get re-attached to the wrong side ("Pfizer, “MP Ha said").
//! Post-editing glitches leave doubled or spaced sentence punctuation (". ."). Each of these is rare in
//! edited English news, so each one is strong, cheap evidence.

use super::{Detector, Family, Finding};
use crate::document::{Document, Token, TokenKind};

pub struct Typography;

const CURRENCY: &[&str] = &["$", "€", "£", "¥", "₩", "₹", "₽"];

impl Detector for Typography {
    fn family(&self) -> Family {
        Family::Typography
    }

    fn description(&self) -> &'static str {
        "source-language typography: spaced currency signs and percent, decimal commas, thousands dots, guillemets, misplaced quote marks, doubled punctuation"
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        let tokens = &doc.sentences[index].tokens;
        // The rules on amounts need a number, which most sentences do not have: one pass to find out
        // instead of three over the tokens.
        if tokens.iter().any(|t| t.kind == TokenKind::Number) {
            currency_and_percent(doc, tokens, out);
            decimal_commas(doc, tokens, out);
            thousands_dots(doc, tokens, out);
        }
        doubled_punctuation(doc, tokens, out);
        // The quote marks these rules know (curly quotes and guillemets) are not ASCII: an ASCII
        // sentence (most) has none.
        if !doc.sentences[index].ascii {
            quote_marks(doc, tokens, out);
        }
    }
}

fn finding(rule: &str, start: usize, end: usize, message: &str) -> Finding {
    Finding::new(Family::Typography, rule, start, end, message)
}

fn currency_and_percent(doc: &Document, tokens: &[Token], out: &mut Vec<Finding>) {
    for pair in tokens.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        // Every rule needs a number and a spaced sign after or before it.
        if !b.space_before || (a.kind != TokenKind::Number && b.kind != TokenKind::Number) {
            continue;
        }
        let (ta, tb) = (doc.tok(a), doc.tok(b));
        if CURRENCY.contains(&ta) && b.kind == TokenKind::Number && b.space_before {
            out.push(finding(
                "currency-space",
                a.span.start,
                b.span.end,
                "space between the currency sign and the amount (English writes \"$300\")",
            ));
        } else if a.kind == TokenKind::Number && b.space_before && CURRENCY.contains(&tb) && tb != "$" {
            out.push(finding(
                "currency-after-amount",
                a.span.start,
                b.span.end,
                "currency sign after the amount, as in French or German (English writes \"€300\")",
            ));
        } else if a.kind == TokenKind::Number && b.space_before && tb == "%" {
            out.push(finding(
                "percent-space",
                a.span.start,
                b.span.end,
                "space before the percent sign (English writes \"50%\")",
            ));
        }
    }
}

/// "2,5 million": a comma followed by one or two digits is a decimal comma, not a thousands separator.
fn decimal_commas(doc: &Document, tokens: &[Token], out: &mut Vec<Finding>) {
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Number) {
        let s = doc.tok(t);
        let Some((int, frac)) = s.split_once(',') else { continue };
        let digits_only = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if digits_only(int) && digits_only(frac) && frac.len() <= 2 && int.len() <= 3 {
            out.push(finding(
                "decimal-comma",
                t.span.start,
                t.span.end,
                "decimal comma (English writes \"2.5\", not \"2,5\")",
            ));
        }
    }
}

/// Words after a single dot group that make it a count, not a decimal: "1.500 people" is never one and a
/// half people. (Not "million": "4.176 million" is English.)
const COUNT_WORDS: &[&str] = &["people", "persons", "inhabitants", "residents", "victims", "deaths", "cases", "workers", "employees", "jobs", "homes", "vehicles"];

/// "3.000 million", "1.500 people", "2.345.678": a dot between groups of three digits is a thousands
/// separator, as in Spanish, Portuguese, Italian and German; English writes "3,000" and "1,500". One dot
/// group alone is also an English decimal ("4.176 million", a bond yield of "1.625"), so it counts only
/// when the group is "000" (English does not write "3.000 million"; "1.000" is left alone, a perfect
/// batting average) or a word that counts whole things follows; two or more groups are never a decimal.
fn thousands_dots(doc: &Document, tokens: &[Token], out: &mut Vec<Finding>) {
    for (i, t) in tokens.iter().enumerate().filter(|(_, t)| t.kind == TokenKind::Number) {
        let s = doc.tok(t);
        // Most numbers have no dot ("2019", "300,000"): nothing to split.
        let Some((head, rest)) = s.split_once('.') else { continue };
        let digits = |x: &str, n: std::ops::RangeInclusive<usize>| n.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(head, 1..=3) || !rest.split('.').all(|g| digits(g, 3..=3)) {
            continue;
        }
        let several_groups = rest.len() > 3;
        let counted = || {
            tokens.get(i + 1).is_some_and(|n| n.kind == TokenKind::Word && n.space_before && COUNT_WORDS.contains(&doc.low(n)))
        };
        if several_groups || (rest == "000" && !matches!(head, "0" | "1")) || counted() {
            out.push(finding(
                "thousands-dot",
                t.span.start,
                t.span.end,
                "dot as a thousands separator, as in Spanish or German (English writes \"3,000\", not \"3.000\")",
            ));
        }
    }
}

/// ". ." / ", ," / ", ." (not an ellipsis), and a space before "," or ".".
///
/// Left alone: an abbreviation's full stop glued to the comma after it ("Washington, D.C., is",
/// "Inc.;"), and two glued dots (".."), which informal human writing uses as a short ellipsis.
fn doubled_punctuation(doc: &Document, tokens: &[Token], out: &mut Vec<Finding>) {
    let dot = |j: usize| tokens.get(j).is_some_and(|c| doc.tok(c) == ".");
    for (i, pair) in tokens.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        // Both rules end at a punctuation mark, after another one (a doubled stop) or after a space:
        // most punctuation follows a word directly.
        if b.kind != TokenKind::Punct || (a.kind != TokenKind::Punct && !b.space_before) {
            continue;
        }
        let (ta, tb) = (doc.tok(a), doc.tok(b));
        let stop = |s: &str| matches!(s, "." | "," | ";" | ":");
        if stop(ta) && stop(tb) && (ta == "." || tb == ".") {
            // An ellipsis, written "..." or spaced ". . .", is three or more dots in a row.
            let part_of_ellipsis = ta == "." && tb == "." && (dot(i + 2) || (i > 0 && dot(i - 1)));
            let abbreviation_then_stop = ta == "." && tb != "." && !b.space_before && !a.space_before;
            let informal_ellipsis = ta == "." && tb == "." && !b.space_before;
            // ". :(" / ". ;)": a sentence ended, then an emoticon.
            let emoticon = matches!(tb, ":" | ";")
                && tokens.get(i + 2).is_some_and(|c| !c.space_before && matches!(doc.tok(c), "(" | ")" | "D" | "P" | "p" | "/" | "|" | "3" | "O" | "o"));
            if !part_of_ellipsis && !abbreviation_then_stop && !informal_ellipsis && !emoticon {
                out.push(finding("doubled-punctuation", a.span.start, b.span.end, "doubled sentence punctuation"));
            }
        } else if matches!(tb, "," | ".") && b.space_before && a.kind != TokenKind::Punct {
            let before_number = tokens.get(i + 2).is_some_and(|c| c.kind == TokenKind::Number && !c.space_before);
            let opens_ellipsis = tb == "." && dot(i + 2);
            if !before_number && !opens_ellipsis {
                out.push(finding(
                    "space-before-punctuation",
                    a.span.end,
                    b.span.end,
                    "space before a comma or full stop",
                ));
            }
        }
    }
}

/// (Every mark here is outside ASCII: `Typography::detect` relies on it, and a test checks it.)
fn is_open_quote(s: &str) -> bool {
    matches!(s, "“" | "„" | "«" | "‹")
}
fn is_close_quote(s: &str) -> bool {
    matches!(s, "”" | "»" | "›")
}

fn quote_marks(doc: &Document, tokens: &[Token], out: &mut Vec<Finding>) {
    let mut open = false;
    for (i, t) in tokens.iter().enumerate() {
        // Quote marks are punctuation.
        if t.kind != TokenKind::Punct {
            continue;
        }
        let s = doc.tok(t);
        if matches!(s, "«" | "»") {
            out.push(finding("guillemets", t.span.start, t.span.end, "guillemets are not used as quote marks in English"));
        }
        if is_open_quote(s) {
            let next = tokens.get(i + 1);
            if open {
                // A second opening mark while one is open: the closing mark was turned around, as in
                // `to hack Pfizer, “MP Ha told reporters`.
                let end = next.filter(|n| !n.space_before).map_or(t.span.end, |n| n.span.end);
                out.push(finding(
                    "quote-mismatch",
                    t.span.start,
                    end,
                    "opening quote mark where the closing one belongs (the quote is already open)",
                ));
                open = false; // count it as the close, so one slip is reported once
                continue;
            }
            open = true;
            let prev = i.checked_sub(1).map(|j| &tokens[j]);
            if let Some(p) = prev.filter(|p| !t.space_before && p.kind == TokenKind::Word) {
                out.push(finding(
                    "quote-glued",
                    p.span.start,
                    t.span.end,
                    "opening quote mark glued to the word before it",
                ));
            }
        } else if is_close_quote(s) {
            open = false;
            let next = tokens.get(i + 1);
            if let Some(n) = next.filter(|n| !n.space_before && n.kind == TokenKind::Word) {
                out.push(finding(
                    "quote-glued",
                    t.span.start,
                    n.span.end,
                    "closing quote mark glued to the word after it",
                ));
            } else if t.space_before && next.is_some_and(|n| n.kind == TokenKind::Word && n.space_before) {
                out.push(finding(
                    "quote-spacing",
                    t.span.start,
                    t.span.end,
                    "closing quote mark separated from the quoted words",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testutil::run;

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&Typography, text)
    }

    #[test]
    fn quote_marks_are_not_ascii() {
        for c in (0u8..128).map(char::from) {
            let s = c.to_string();
            assert!(!is_open_quote(&s) && !is_close_quote(&s) && !matches!(s.as_str(), "«" | "»"), "{c:?}");
        }
    }

    #[test]
    fn flags_spaced_currency() {
        assert_eq!(
            flags("It had stolen more than $ 300 million worth of coins."),
            vec![("typography/currency-space".into(), "$ 300".into())]
        );
        assert_eq!(flags("It cost 300 € in total.")[0].0, "typography/currency-after-amount");
        assert_eq!(flags("Prices rose 5 % last year.")[0].0, "typography/percent-space");
    }

    #[test]
    fn leaves_normal_money_alone() {
        assert!(flags("It had stolen more than $300 million, or 5% of reserves, worth €81 million.").is_empty());
        assert!(flags("The 300 people paid 1,500,000 dollars in 2019.").is_empty());
    }

    #[test]
    fn flags_decimal_comma_but_not_thousands() {
        assert_eq!(flags("Sales reached 2,5 million units.")[0].0, "typography/decimal-comma");
        assert!(flags("Sales reached 2,500 units and 12,000,000 more.").is_empty());
    }

    #[test]
    fn flags_thousands_dots_but_not_decimals() {
        assert_eq!(flags("A package of 3.000 million euros was approved.")[0].0, "typography/thousands-dot");
        assert_eq!(flags("Some 1.500 people marched.")[0].0, "typography/thousands-dot");
        assert_eq!(flags("The city has 2.345.678 inhabitants.")[0].0, "typography/thousands-dot");
        assert!(flags("The yield rose to 1.625% and the index to 3.125 points.").is_empty());
        assert!(flags("Cases reached 4.176 million and earnings 2.267 trillion naira.").is_empty());
        assert!(flags("He is hitting 1.000 in the series.").is_empty());
        assert!(flags("Version 2.5 shipped; it weighs 1.250 kg and costs 3,000 euros.").is_empty());
    }

    #[test]
    fn flags_spaced_double_stop_not_ellipsis() {
        let f = flags("Ha told reporters after a closed-door session. .");
        assert_eq!(f, vec![("typography/doubled-punctuation".into(), ". .".into())]);
        assert!(flags("He paused... and then went on.").is_empty());
        assert!(flags("Of patience, and of loyalty. . . . And then more.").is_empty());
        assert_eq!(flags("He left , then came back.")[0].0, "typography/space-before-punctuation");
        assert_eq!(flags("Prices rose. , and then fell.")[0].0, "typography/doubled-punctuation");
    }

    #[test]
    fn leaves_abbreviations_and_informal_ellipses_alone() {
        assert!(flags("The idea that government in Washington, D.C., is wiser.").is_empty());
        assert!(flags("Police in Baton Rouge, La., announced an arrest.").is_empty());
        assert!(flags("It arrived late..never again.").is_empty());
        assert!(flags("We have high salaries ... it has been a shock.").is_empty());
        assert!(flags("Let reverence for the laws . . . become the religion.").is_empty());
        assert!(flags("I am genuinely sorry to read that. :( Otherwise, perfect. :D").is_empty());
    }

    #[test]
    fn flags_turned_around_quote() {
        let text = "The agency “informed us that it tried to hack Pfizer, “MP Ha Tae-keung told reporters.";
        assert_eq!(flags(text), vec![("typography/quote-mismatch".into(), "“MP".into())]);
    }

    #[test]
    fn flags_glued_quotes_and_guillemets() {
        assert_eq!(flags("He said“we will win” and left.")[0].0, "typography/quote-glued");
        assert_eq!(flags("He said “we will win”and left.")[0].0, "typography/quote-glued");
        assert_eq!(flags("He called it « a disaster » yesterday.")[0].0, "typography/guillemets");
    }

    #[test]
    fn leaves_well_formed_quotes_alone() {
        assert!(flags("They “have nothing to do with cyber attacks”.").is_empty());
        assert!(flags("It was “illegally accessed” during a “cyber attack,” he said.").is_empty());
        assert!(flags("The film “The Interview,” a satire, mocked him.").is_empty());
    }
}
