//! Writes the feature vectors of labelled JSONL records as TSV (label, kind, group, domain, each head's
//! logit, features...), for inspecting the feature set with other tools. Records are read as `train` and
//! `eval` read them with `--context-by doc,system`: each after the record before it in its document.
//! The features are the deciding head's (its profile scores).
//! Usage: cargo run --release --example dump_features -- IN.jsonl SPLIT MAX [MODEL.json] > out.tsv
//! (default: the shipped model)
use mtlint::features::{feature_names, FeatureExtractor};
use mtlint::model::{default_model, Model};
use mtlint::train::{assign_context, read_labelled, LabelFields, LabelledRecord};
use std::io::{BufReader, Write};

fn field<'r>(r: &'r LabelledRecord, name: &str) -> &'r str {
    r.fields.get(name).and_then(|v| v.as_str()).unwrap_or("")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (path, split, max, model_path) = match args.as_slice() {
        [_, path, split, max] => (path, split, max, None),
        [_, path, split, max, model] => (path, split, max, Some(model)),
        _ => return Err("usage: dump_features IN.jsonl SPLIT MAX [MODEL.json]".into()),
    };
    let max: usize = max.parse()?;
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut records = read_labelled(BufReader::new(file), path, &LabelFields::default())?;
    assign_context(&mut records, &["doc".to_string(), "system".to_string()]);
    let loaded = match model_path {
        Some(p) => Some(Model::from_json(&std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?)?),
        None => None,
    };
    let model = loaded.as_ref().unwrap_or_else(|| default_model());
    let fx = FeatureExtractor::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let heads: Vec<String> = model.heads.iter().map(|h| format!("logit.{}", h.name)).collect();
    writeln!(out, "label\tkind\tgroup\tdomain\t{}\t{}", heads.join("\t"), feature_names().join("\t"))?;
    for r in records.iter().filter(|r| field(r, "split") == split).take(max) {
        let (scored, logits) = r.with_document(|doc, index| model.score_sentence_and_head_logits(&fx, doc, index));
        let features = scored.features;
        let logits: Vec<String> = logits.iter().map(|x| x.to_string()).collect();
        let features: Vec<String> = features.iter().map(|x| x.to_string()).collect();
        writeln!(out, "{}\t{}\t{}\t{}\t{}\t{}", r.label as u8, field(r, "kind"), r.group, field(r, "domain"), logits.join("\t"), features.join("\t"))?;
    }
    Ok(())
}
