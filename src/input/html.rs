//! Article text from HTML: a web page becomes the text a reader would read, without the navigation, menus,
//! cookie banners, sidebars and footers around it, with paragraphs kept apart so that sentences do not run
//! together.
//!
//! Pages go through dom_smoothie, a port of Mozilla's Readability (Firefox Reader View), which scores the
//! page's blocks and keeps the article. Short pages and HTML fragments (feed item bodies) are below what
//! Readability will judge; they get [`fragment_text`], the text of every block except those that are
//! boilerplate by their tag, role, class or id. The bytes are decoded with the charset the server or the
//! page declares (as a browser would), UTF-8 when none is declared.

use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Decodes HTML bytes: the `declared` charset (an HTTP Content-Type), else a `<meta charset>` in the
/// first 1024 bytes, else UTF-8 when valid, else Windows-1252 (what browsers assume for undeclared
/// legacy pages). Never fails: undecodable bytes become U+FFFD, as in a browser.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> String {
    let encoding = declared
        .and_then(|c| Encoding::for_label(c.trim().trim_matches('"').as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(1024)]))
        .unwrap_or_else(|| if std::str::from_utf8(bytes).is_ok() { UTF_8 } else { WINDOWS_1252 });
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// The charset named by `charset=` in a Content-Type value.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then_some(v.trim())
    })
}

fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..].trim_start_matches(['"', '\'']).chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    Encoding::for_label(value.as_bytes())
}

/// Pages nested deeper than this are read by a linear tag stripper instead of the HTML parser: building
/// the tree is quadratic in the nesting depth (every new element scans the stack of open ones), and a
/// hostile page nests 200,000 levels deep. Real pages stay far below.
pub const MAX_NESTING: usize = 512;

const VOID_TAGS: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen"];

/// The deepest nesting of elements, estimated in one pass over the markup (void and self-closing
/// elements do not nest; comments and declarations are skipped).
pub fn nesting_depth(html: &str) -> usize {
    let b = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let Some(&next) = b.get(i) else { break };
        let end = b[i..].iter().position(|&c| c == b'>').map_or(b.len(), |e| i + e);
        if next == b'/' {
            depth = depth.saturating_sub(1);
        } else if next.is_ascii_alphabetic() {
            let name_end = b[i..end].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(end, |e| i + e);
            let name = html[i..name_end].to_ascii_lowercase();
            let self_closing = end > i && b[end - 1] == b'/';
            if !self_closing && !VOID_TAGS.contains(&name.as_str()) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        i = end.min(b.len());
    }
    deepest
}

/// The text of markup with every tag removed and the common entities decoded, in one linear pass: the
/// fallback for pages nested too deeply to parse.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        rest = rest[start..].find('>').map_or("", |end| &rest[start + end + 1..]);
    }
    out.push_str(rest);
    let decoded = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    decoded.replace("&amp;", "&")
}

/// The article text of a whole page.
pub fn article_text(html: &str) -> String {
    if nesting_depth(html) > MAX_NESTING {
        return tidy(&strip_tags(html));
    }
    let doc = Document::from(html);
    strip_boilerplate(&doc);
    let config = Config { keep_classes: true, ..Config::default() };
    let readable = Readability::with_document(doc, None, Some(config)).ok().and_then(|mut r| r.parse().ok());
    let text = readable.map(|article| fragment_text(&article.content)).unwrap_or_default();
    if text.is_empty() {
        fragment_text(html)
    } else {
        text
    }
}

/// Tags whose content is never article text.
const SKIPPED_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "nav", "header", "footer", "aside", "form",
    "button", "select", "head", "menu",
];
/// ARIA roles of page furniture.
const SKIPPED_ROLES: &[&str] = &["navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "dialog", "alertdialog", "search"];
/// Class or id words that mark boilerplate blocks (unless a [`CONTENT_WORDS`] word is there too).
const BOILERPLATE_WORDS: &[&str] = &[
    "cookie", "consent", "gdpr", "banner", "menu", "navbar", "nav", "breadcrumb", "footer", "header", "sidebar", "share",
    "social", "related", "newsletter", "subscribe", "advert", "promo", "popup", "modal", "skip",
];
/// Class or id words of the content itself: "article-header" or "main has-sidebar" is not boilerplate.
const CONTENT_WORDS: &[&str] = &["article", "content", "main", "body", "story", "post", "entry", "text"];
/// Tags that start a new block of text.
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre",
    "table", "tr", "td", "th", "dd", "dt", "dl", "figure", "figcaption", "br", "hr", "body",
];

/// The text of an HTML page or fragment without boilerplate blocks; blocks are separated by blank lines.
pub fn fragment_text(html: &str) -> String {
    if nesting_depth(html) > MAX_NESTING {
        return tidy(&strip_tags(html));
    }
    let doc = Document::from(html);
    strip_boilerplate(&doc);
    let mut out = String::new();
    walk(&doc.root(), &mut out);
    tidy(&out)
}

/// Removes the boilerplate elements (and all they contain) from a parsed page.
fn strip_boilerplate(doc: &Document) {
    let doomed: Vec<NodeRef> = doc.root().descendants_it().filter(|n| n.is_element() && is_boilerplate(n)).collect();
    for node in doomed {
        node.remove_from_parent();
    }
}

fn is_boilerplate(node: &NodeRef) -> bool {
    let Some(name) = node.node_name() else { return false };
    let name = name.to_ascii_lowercase();
    if SKIPPED_TAGS.contains(&name.as_str()) {
        return true;
    }
    if node.attr("role").is_some_and(|r| SKIPPED_ROLES.contains(&r.to_ascii_lowercase().as_str())) {
        return true;
    }
    if node.attr("hidden").is_some() || node.attr("aria-hidden").is_some_and(|v| &*v == "true") {
        return true;
    }
    if matches!(name.as_str(), "html" | "body" | "main" | "article") {
        return false;
    }
    let names = format!("{} {}", node.attr("class").unwrap_or_default(), node.attr("id").unwrap_or_default()).to_ascii_lowercase();
    let words: Vec<&str> = names.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    words.iter().any(|w| BOILERPLATE_WORDS.contains(w)) && !words.iter().any(|w| CONTENT_WORDS.contains(w))
}

fn walk(node: &NodeRef, out: &mut String) {
    if node.is_text() {
        out.push_str(&node.text());
        return;
    }
    if !node.is_element() && !node.is_document() {
        return;
    }
    let block = node.node_name().is_some_and(|n| BLOCK_TAGS.contains(&n.to_ascii_lowercase().as_str()));
    if block {
        out.push_str("\n\n");
    }
    for child in node.children() {
        walk(&child, out);
    }
    if block {
        out.push_str("\n\n");
    }
}

/// Collapses runs of spaces within lines and of blank lines between blocks; trims the ends.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../tests/fixtures/page.html");

    #[test]
    fn page_keeps_the_article_and_drops_navigation_banners_and_footer() {
        let text = article_text(PAGE);
        assert!(text.contains("North Korea trató to obtain the vaccine, the North American company said."), "{text}");
        assert!(text.contains("cybercriminals well-trained"), "{text}");
        for boilerplate in ["menu", "cookies", "Footer contact", "Sidebar story", "Privacy policy", "analytics", "font-family", "Share on"] {
            assert!(!text.contains(boilerplate), "{boilerplate:?} left in: {text}");
        }
        assert!(text.contains("company said.\n\nThe hackers"), "paragraphs stay apart: {text}");
    }

    #[test]
    fn fragments_drop_boilerplate_blocks_by_tag_role_class_and_id() {
        let html = "<div role=\"navigation\">Home</div><p>First paragraph.</p><p>Second one.</p>\
                    <div class=\"social-share\">Tweet</div><section id=\"cookie-notice\">Accept</section>\
                    <footer>Contact</footer><script>var x = 1;</script>";
        assert_eq!(fragment_text(html), "First paragraph.\n\nSecond one.");
        let kept = "<div class=\"main has-sidebar\"><p class=\"article-header\">Headline here.</p><div class=\"sidebar\">Ad</div></div>";
        assert_eq!(fragment_text(kept), "Headline here.", "content words win over boilerplate words");
        let page = fragment_text(PAGE);
        assert!(page.contains("North Korea trató") && !page.contains("menu") && !page.contains("cookies"), "{page}");
    }

    #[test]
    fn bytes_are_decoded_with_the_declared_charset() {
        let cp1252 = b"<p>caf\xe9</p>";
        assert_eq!(decode(cp1252, Some("windows-1252")), "<p>café</p>");
        assert_eq!(decode(b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>", None), "<meta charset=\"iso-8859-1\"><p>café</p>");
        assert_eq!(decode("<p>café</p>".as_bytes(), None), "<p>café</p>");
        assert_eq!(decode(cp1252, None), "<p>café</p>", "undeclared and not UTF-8: Windows-1252");
        assert_eq!(charset_param("text/html; charset=\"UTF-8\""), Some("\"UTF-8\""));
    }

    #[test]
    fn nesting_depth_counts_open_elements_but_not_void_or_closed_ones() {
        assert_eq!(nesting_depth("<html><body><p>a<br>b<img src=x/></p><p>c</p></body></html>"), 3);
        assert_eq!(nesting_depth("<!-- c --><div><div><div></div></div></div>"), 3);
    }

    #[test]
    fn hostile_nesting_is_read_by_the_tag_stripper() {
        let page = format!("<html><body>{}<p>The talks resumed &amp; ended.</p>{}</body></html>", "<div>".repeat(200_000), "</div>".repeat(200_000));
        assert!(nesting_depth(&page) > MAX_NESTING);
        assert_eq!(article_text(&page), "The talks resumed & ended.");
        assert_eq!(fragment_text(&page), "The talks resumed & ended.");
    }
}

