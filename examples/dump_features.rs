//! Writes the feature vectors of labelled JSONL records as TSV (label, kind, features...), for inspecting
//! the feature set with other tools. Usage: cargo run --release --example dump_features -- IN.jsonl SPLIT MAX > out.tsv
use mtlint::features::{feature_names, FeatureExtractor};
use mtlint::train::{read_labelled, LabelFields};
use std::io::{BufReader, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = std::fs::File::open(&args[1]).expect("input");
    let max: usize = args[3].parse().expect("max");
    let recs = read_labelled(BufReader::new(file), &args[1], &LabelFields::default()).expect("records");
    let fx = FeatureExtractor::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "label\tkind\tgroup\tdomain\t{}", feature_names().join("\t")).unwrap();
    let mut n = 0;
    for (i, r) in recs.iter().enumerate() {
        if r.fields.get("split").and_then(|v| v.as_str()) != Some(args[2].as_str()) || i % 2 != 0 {
            continue;
        }
        let v = mtlint::model::default_model().score_text(&fx, &r.text).features; // the deciding head's
        let kind = r.fields.get("kind").and_then(|v| v.as_str()).unwrap_or("");
        let cols: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        let domain = r.fields.get("domain").and_then(|v| v.as_str()).unwrap_or("");
        writeln!(out, "{}\t{}\t{}\t{}\t{}", r.label as u8, kind, r.group, domain, cols.join("\t")).unwrap();
        n += 1;
        if n >= max { break; }
    }
}
