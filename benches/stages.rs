//! Per-stage benchmarks over a fixed sample of 2,000 news sentences (`benches/sentences.txt`, held-out
//! WMT test-split lines, half neural MT and half original English, drawn by `scripts/bench.sh`'s recipe).
//! Each stage is timed over the whole sample; throughput is reported in sentences.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mtlint::detect::default_detectors;
use mtlint::features::FeatureExtractor;
use mtlint::fluency::{default_model as fluency, Collocations};
use mtlint::model::default_model;
use mtlint::profile::{symbols, MergedProfiles, NgramKeys, NgramKeysOfMany, MAX_ORDER};
use mtlint::scan::Scanner;
use mtlint::{Detector, Document};
use std::hint::black_box;

fn sample() -> Vec<&'static str> {
    include_str!("sentences.txt").lines().filter(|l| !l.is_empty()).collect()
}

fn stages(c: &mut Criterion) {
    let lines = sample();
    let docs: Vec<Document> = lines.iter().map(|l| Document::new(l)).collect();
    let model = default_model();
    let extractor = FeatureExtractor::default();
    let scanner = Scanner::new(model);
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Elements(lines.len() as u64));
    g.sample_size(20);

    g.bench_function("segment+tokenize", |b| b.iter(|| lines.iter().map(|l| black_box(Document::new(l)).sentences.len()).sum::<usize>()));
    for d in default_detectors() {
        let name = format!("detect/{}", d.family().name());
        g.bench_function(&name, |b| {
            b.iter(|| {
                let mut out = Vec::new();
                for doc in &docs {
                    for i in 0..doc.sentences.len() {
                        d.detect(doc, i, &mut out);
                    }
                }
                out.len()
            })
        });
    }
    let collocations = Collocations::default();
    g.bench_function("detect/collocation", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            for doc in &docs {
                for i in 0..doc.sentences.len() {
                    collocations.detect(doc, i, &mut out);
                }
            }
            out.len()
        })
    });
    g.bench_function("fluency", |b| {
        b.iter(|| docs.iter().map(|doc| (0..doc.sentences.len()).map(|i| fluency().score(doc, i).mean_logprob).sum::<f32>()).sum::<f32>())
    });
    g.bench_function("profile (every head)", |b| {
        b.iter(|| {
            docs.iter()
                .map(|doc| (0..doc.sentences.len()).map(|i| model.heads.iter().map(|h| h.profile.features(doc, i)[1]).sum::<f32>()).sum::<f32>())
                .sum::<f32>()
        })
    });
    // The default model's merged tables, a sentence at a time and all sentences in one stream (what
    // Scanner::scan_batch does, asking for each key's bucket LOOKUPS_AHEAD lookups before it reads it).
    let merged = model.merged_profiles().expect("the default model has several heads");
    let keys: Vec<NgramKeys> = docs.iter().flat_map(|doc| (0..doc.sentences.len()).map(move |i| NgramKeys::of(&symbols(doc, i)))).collect();
    g.bench_function("profile (merged heads, a sentence at a time)", |b| {
        b.iter(|| {
            let mut out = [[0.0f32; MAX_ORDER]; MergedProfiles::MAX_HEADS];
            keys.iter().map(|k| {
                merged.features_of_ngrams(k, &mut out);
                out[0][1]
            }).sum::<f32>()
        })
    });
    let mut many = NgramKeysOfMany::default();
    for doc in &docs {
        for i in 0..doc.sentences.len() {
            many.push(&symbols(doc, i));
        }
    }
    g.bench_function("profile (merged heads, all sentences in one stream)", |b| b.iter(|| merged.features_of_many(&many).iter().map(|f| f[0][1]).sum::<f32>()));
    g.bench_function("features without the profile", |b| {
        b.iter(|| docs.iter().map(|doc| (0..doc.sentences.len()).map(|i| extractor.extract_base(doc, i).0.len()).sum::<usize>()).sum::<usize>())
    });
    let scored: Vec<_> = docs.iter().flat_map(|doc| (0..doc.sentences.len()).map(|i| model.score_sentence(&extractor, doc, i))).collect();
    g.bench_function("features and head logits (score_sentence)", |b| {
        b.iter(|| docs.iter().map(|doc| (0..doc.sentences.len()).map(|i| model.score_sentence(&extractor, doc, i).raw_logit).sum::<f64>()).sum::<f64>())
    });
    g.bench_function("calibrated probability", |b| b.iter(|| scored.iter().map(|s| model.probability(s)).sum::<f64>()));
    let reports: Vec<_> = lines.iter().map(|l| scanner.scan(String::from("id"), l)).collect();
    g.bench_function("json output", |b| {
        b.iter(|| {
            let mut buf = Vec::with_capacity(1 << 20);
            for r in &reports {
                mtlint::output::write_jsonl(&mut buf, r).unwrap();
            }
            buf.len()
        })
    });
    g.bench_function("scan (whole document path, a line at a time)", |b| b.iter(|| lines.iter().map(|l| scanner.scan(String::from("id"), l).score).sum::<f64>()));
    g.bench_function("scan (whole document path, 16 lines together)", |b| {
        b.iter(|| lines.chunks(16).map(|c| scanner.scan_batch(c.iter().map(|l| (String::from("id"), *l))).iter().map(|r| r.score).sum::<f64>()).sum::<f64>())
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
