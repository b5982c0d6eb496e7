//! The HTML report in a real browser: headless Chromium renders the report of the two seed articles, and
//! the DOM it built (after the report's script ran) must hold the highlighted sentences, the underlined
//! findings and working filters. A screenshot is written to `target/tmp/report.png` for a person to look
//! at.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it; `MTLINT_CHROMIUM` names another binary).
//! `MTLINT_SKIP_BROWSER=1` skips these tests where no browser can be installed.

mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::{mtlint, seed, stderr};

fn chromium() -> Option<PathBuf> {
    if std::env::var_os("MTLINT_SKIP_BROWSER").is_some_and(|v| v == "1") {
        eprintln!("MTLINT_SKIP_BROWSER=1: the browser test does not run");
        return None;
    }
    if let Some(path) = std::env::var_os("MTLINT_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let found = ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
    });
    assert!(found.is_some(), "no Chromium: `apt-get install -y chromium` (as .ci/run does), or set MTLINT_SKIP_BROWSER=1");
    found
}

/// Runs headless Chromium on `url` with `extra` arguments (a fresh profile, no network services) and
/// returns its standard output; fails after 90 seconds.
fn headless(browser: &Path, profile: &Path, extra: &[&str], url: &str) -> String {
    let mut child = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        .args(["--disable-sync", "--no-first-run", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

/// A highlighted sentence in the DOM: its classes, score and text.
struct Mark {
    class: String,
    score: f64,
    text: String,
    inner: String,
}

fn attr(tag: &str, name: &str) -> String {
    let at = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in {tag}")) + name.len() + 3;
    tag[at..at + tag[at..].find('"').unwrap()].to_string()
}

fn strip_tags(html: &str) -> String {
    let (mut out, mut in_tag) = (String::new(), false);
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

fn marks(dom: &str) -> Vec<Mark> {
    dom.match_indices("<mark class=\"s ")
        .map(|(at, _)| {
            let open_end = at + dom[at..].find('>').unwrap();
            let tag = &dom[at..=open_end];
            let close = open_end + dom[open_end..].find("</mark>").unwrap();
            let inner = dom[open_end + 1..close].to_string();
            Mark { class: attr(tag, "class"), score: attr(tag, "data-score").parse().unwrap(), text: strip_tags(&inner), inner }
        })
        .collect()
}

fn shown(dom: &str) -> String {
    let at = dom.find("<span id=\"shown\">").expect("the filter counter") + "<span id=\"shown\">".len();
    dom[at..at + dom[at..].find('<').unwrap()].to_string()
}

#[test]
fn the_report_of_the_seed_articles_highlights_their_suspect_sentences_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let out = mtlint(
        &["scan", "--format", "html", "--output", report.to_str().unwrap(), &seed("000_77446e2c4e664842.txt"), &seed("002_5187a71e27e22123.txt")],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let url = format!("file://{}", report.display());
    let profile = dir.path().join("profile");

    let dom = headless(&browser, &profile, &["--dump-dom"], &url);
    assert_eq!(shown(&dom), "2 shown", "the report's script ran");
    let marks = marks(&dom);
    assert!(marks.len() >= 13, "every artifact sentence of the seeds is highlighted: {} marks", marks.len());
    for m in &marks {
        let band = if m.score > 0.8 { "s hi" } else if m.score > 0.5 { "s mid" } else { "s lo" };
        assert_eq!(m.class, band, "colour follows the score {}", m.score);
        assert!(m.score > 0.5 || m.inner.contains("class=\"f\""), "a low-scoring sentence is marked only for its findings");
    }
    let trato = marks.iter().find(|m| m.text.contains("North Korea trató to obtain related technology")).expect("the trató sentence is marked");
    assert!(trato.score > 0.8);
    assert!(trato.inner.contains("<span class=\"f\" data-rule=\"foreign-word/untranslated-word\" title=\"foreign-word/untranslated-word: "));
    assert!(trato.inner.contains(">trató</span>"));
    let first_doc = dom.find("002_5187a71e27e22123.txt").unwrap();
    assert!(first_doc < dom.find("000_77446e2c4e664842.txt").unwrap(), "the higher-scoring article comes first");

    let human_only = headless(&browser, &profile, &["--dump-dom"], &format!("{url}#verdict=human"));
    assert_eq!(shown(&human_only), "0 shown", "both seeds are machine-translated");
    let currency = headless(&browser, &profile, &["--dump-dom"], &format!("{url}#rule=typography/currency-space"));
    assert_eq!(shown(&currency), "1 shown", "only article 000 has a spaced currency sign");

    let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    std::fs::remove_file(&png).ok();
    headless(&browser, &profile, &[&format!("--screenshot={}", png.display()), "--window-size=1280,1400"], &url);
    let image = std::fs::read(&png).expect("a screenshot");
    assert!(image.starts_with(b"\x89PNG\r\n\x1a\n") && image.len() > 20_000, "a rendered page, {} bytes", image.len());
}
