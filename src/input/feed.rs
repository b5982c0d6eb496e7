//! RSS 2.0, RSS 1.0 and Atom feeds: one document per item, its text taken from the item's content
//! (`content:encoded`, Atom `<content>`), else its description or summary, with the HTML in it reduced
//! to text. The item's id is its link, else its guid or Atom id. Feeds are parsed whole by feed-rs (a
//! feed is a page of recent items, not a corpus).

use super::html::fragment_text;
use feed_rs::model::Entry;
use std::io::Read;

/// One feed item: its id (link, guid, or none) and its text, or why it has none.
pub struct FeedItem {
    pub id: Option<String>,
    pub text: Result<String, String>,
}

/// Parses a feed into its items, in feed order. The error says why the feed could not be parsed.
pub fn read_feed(reader: impl Read) -> Result<Vec<FeedItem>, String> {
    // Items without a link or guid keep an empty id (feed-rs would otherwise invent one, at random).
    let parser = feed_rs::parser::Builder::new().id_generator(|_, _, _| String::new()).build();
    let feed = parser.parse(reader).map_err(|e| format!("not a readable RSS or Atom feed: {e}"))?;
    Ok(feed.entries.into_iter().map(item).collect())
}

fn item(entry: Entry) -> FeedItem {
    let link = entry.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).or(entry.links.first());
    let id = link.map(|l| l.href.trim().to_string()).filter(|s| !s.is_empty()).or_else(|| Some(entry.id.clone()).filter(|s| !s.is_empty()));
    let content = entry.content.and_then(|c| {
        let html = c.content_type.to_string().contains("html");
        c.body.map(|b| (b, html))
    });
    let summary = entry.summary.map(|t| {
        let html = t.content_type.to_string().contains("html");
        (t.content, html)
    });
    let text = [content, summary]
        .into_iter()
        .flatten()
        .map(|(body, html)| if html { fragment_text(&body) } else { body.trim().to_string() })
        .find(|t| !t.is_empty())
        .ok_or_else(|| "feed item has no content or description".to_string());
    FeedItem { id, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_take_their_link_as_id_and_their_description_as_text() {
        let items = read_feed(include_bytes!("../../tests/fixtures/feed.rss").as_slice()).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].id.as_deref(), Some("https://news.example/mt-vaccine"));
        let text = items[0].text.as_ref().unwrap();
        assert!(text.starts_with("North Korea trató to obtain the vaccine") && !text.contains("<p>"), "{text}");
        assert!(text.contains("said.\n\nThe hackers"), "paragraphs stay apart: {text}");
        assert_eq!(items[2].id.as_deref(), Some("no-link-guid"));
    }

    #[test]
    fn atom_entries_take_their_alternate_link_and_html_content() {
        let items = read_feed(include_bytes!("../../tests/fixtures/feed.atom").as_slice()).unwrap();
        let ids: Vec<_> = items.iter().map(|i| i.id.clone().unwrap()).collect();
        assert_eq!(ids, ["https://news.example/atom/storm-power", "https://news.example/atom/mt-vaccine"]);
        assert!(items[1].text.as_ref().unwrap().contains("$ 300 million"));
    }

    #[test]
    fn an_item_without_text_and_a_broken_feed_are_errors() {
        let rss = r#"<rss version="2.0"><channel><title>t</title><item><title>Only a title</title></item></channel></rss>"#;
        let items = read_feed(rss.as_bytes()).unwrap();
        assert_eq!(items[0].id, None);
        assert!(items[0].text.as_ref().unwrap_err().contains("no content"));
        assert!(read_feed("<rss><channel><item>".as_bytes()).is_err());
    }
}
