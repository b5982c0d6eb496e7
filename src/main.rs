//! The `mtlint` command line: a thin layer of argument parsing, file handling and exit codes over the
//! library. Exit codes: 0 success; 1 the gate rejected records; 2 usage error, I/O error, or (scan) an
//! input record that could not be read (the rest of the input is still processed and every record is
//! accounted for). A closed standard output is not an error.

mod cli;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use cli::stream::{self, Inputs, ScanFormat};
use mtlint::eval::evaluate;
use mtlint::input::{self, InputFormat, JsonFields, ReadOptions};
use mtlint::model::{default_model, Model};
use mtlint::output::TextOptions;
use mtlint::scan::Scanner;
use mtlint::train::{read_labelled, train, LabelFields, RulePrior, TrainOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: scoring makes many small, short-lived allocations per
/// sentence (tokens, findings, report strings), which it serves with fewer instructions.
#[global_allocator]
static GLOBAL: cli::alloc::Allocator = cli::alloc::Allocator;

const EXIT_HELP: &str = "EXIT STATUS:\n  0  success\n  1  (gate) records were rejected, or more than --max-reject-rate of them\n  2  usage error, I/O error (the message names the file), or (scan, extract) an input record that could not\n     be read (its file and line are reported; every other record is still processed)\n  A closed standard output (| head) is not an error.";

const GATE_HELP: &str = "EXIT STATUS:\n  0  nothing was rejected (with --max-reject-rate: the reject rate is at most that rate)\n  1  records were rejected: scored above the threshold or unreadable (with --max-reject-rate: the reject\n     rate exceeds it)\n  2  usage error or I/O error (the message names the file); an input that cannot be opened (or a folder\n     that cannot be listed) is reported and the others are still gated\n  A closed standard output (| head) is not an error: the gate stops reading and exits 0.\n\nREJECTS FILE (JSONL, one line per rejected record):\n  above the threshold: {\"id\", \"location\", \"line\", \"reason\": \"score above threshold\", \"score\", \"threshold\",\n                        \"findings\": [{\"rule\", \"quote\", \"message\"}], \"record\"}\n  unreadable:          {\"id\", \"location\", \"line\", \"reason\": \"unreadable\", \"error\", \"record\"}\n  \"record\" is the original line with its line ending (\"record_base64\" when it is not UTF-8), so\n  `jq -j .record REJECTS` restores the rejected input. The summary (counts, reject rate) goes to stderr.";

#[derive(Parser)]
#[command(name = "mtlint", version, about = "Find machine-translation artifacts in English news text", after_help = EXIT_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Auto,
    Text,
    Lines,
    Jsonl,
    Html,
    Feed,
    Warc,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum OutputArg {
    /// Documents ranked by score with their top suspect sentences and findings.
    Text,
    /// One JSON object per document, in input order.
    Jsonl,
    /// id, score, verdict, top finding: one tab-separated row per document, in input order, no header.
    Tsv,
    /// Dolma-style attribute records (character spans), one per document, in input order.
    Attributes,
    /// A self-contained review page (use with --output).
    Html,
}

/// Inputs and how they are cut into documents.
#[derive(Args)]
struct InputArgs {
    /// Input files or directories (walked recursively, in sorted order; hidden files skipped). "-" or
    /// none: standard input. Gzip and zstd are decompressed.
    files: Vec<String>,
    /// How inputs are cut into documents: text = a file is one document, lines = a line is one,
    /// jsonl = one JSON object per line, html = a web page (its article text), feed = RSS/Atom (one per
    /// item, id = the item's link), warc = WARC (one per HTML response, id = WARC-Target-URI). auto
    /// decides by extension (.jsonl .ndjson .html .htm .rss .atom .warc .txt, under .gz/.zst too), then
    /// by content.
    #[arg(long, value_enum, default_value = "auto")]
    input_format: FormatArg,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field holding the document id (copied to the output).
    #[arg(long, default_value = "id")]
    id_field: String,
    /// Documents longer than this many bytes of text are reported as unreadable records (with their
    /// size), not scored: memory stays bounded on hostile input. 0 = no limit.
    #[arg(long, default_value_t = mtlint::input::DEFAULT_MAX_DOC_BYTES)]
    max_doc_bytes: usize,
    /// Stop at the first record that cannot be read (exit status 2) instead of reporting it and going on.
    #[arg(long)]
    strict: bool,
}

impl InputArgs {
    fn read_options(&self) -> ReadOptions {
        let format = match self.input_format {
            FormatArg::Auto => InputFormat::Auto,
            FormatArg::Text => InputFormat::Text,
            FormatArg::Lines => InputFormat::Lines,
            FormatArg::Jsonl => InputFormat::Jsonl,
            FormatArg::Html => InputFormat::Html,
            FormatArg::Feed => InputFormat::Feed,
            FormatArg::Warc => InputFormat::Warc,
        };
        let fields = JsonFields { text: self.text_field.clone(), id: self.id_field.clone() };
        ReadOptions { format, fields, max_doc_bytes: self.max_doc_bytes, ..ReadOptions::default() }
    }
}

/// The model, its threshold and the worker threads.
#[derive(Args)]
struct ScoringArgs {
    /// Documents above this score are machine-translated (default: the model's threshold).
    #[arg(long)]
    threshold: Option<f64>,
    /// A model file from `mtlint train` (default: the built-in model).
    #[arg(long)]
    model: Option<String>,
    /// Scoring threads (default: one per core). Output keeps input order whatever the number.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
}

impl ScoringArgs {
    fn inputs(&self, input: &InputArgs) -> Inputs {
        Inputs { files: input.files.clone(), read: input.read_options(), jobs: self.jobs.unwrap_or(0), strict: input.strict }
    }

    fn threshold(&self, scanner: &mut Scanner) -> Result<()> {
        if let Some(t) = self.threshold {
            scanner.threshold = checked_threshold(t)?;
        }
        Ok(())
    }
}

/// A `--threshold` value, refused unless it is a probability.
fn checked_threshold(t: f64) -> Result<f64> {
    anyhow::ensure!((0.0..=1.0).contains(&t), "--threshold must be between 0 and 1");
    Ok(t)
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum ReportArg {
    Text,
    Json,
}

/// Which labelled records to use, and how they are read.
#[derive(Args)]
struct RecordFilter {
    /// Records with the same values of these fields (e.g. `doc,system`) are sentences of one document in
    /// reading order: each is scored after the two records before it, as `scan` scores a sentence in a
    /// document (the pronoun rule looks back at the previous sentences). Default: each record alone.
    #[arg(long, value_delimiter = ',', value_name = "FIELD,...")]
    context_by: Vec<String>,
    /// Only records whose `split` field is this value (e.g. "train", "test"); default: all records.
    #[arg(long)]
    split: Option<String>,
    /// Only records whose FIELD has this VALUE (FIELD=VALUE; repeatable, all must hold).
    #[arg(long = "where", value_name = "FIELD=VALUE")]
    filters: Vec<String>,
    /// Leave out records whose FIELD has this VALUE (FIELD=VALUE; repeatable).
    #[arg(long, value_name = "FIELD=VALUE")]
    exclude: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Score documents and rank the suspect sentences, with the evidence for each.
    #[command(after_help = EXIT_HELP)]
    Scan {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        scoring: ScoringArgs,
        /// Output format. Default: text on a terminal, jsonl otherwise.
        #[arg(long, value_enum)]
        format: Option<OutputArg>,
        /// Write the output to this file instead of standard output.
        #[arg(long, short = 'o')]
        output: Option<String>,
        /// Suspect sentences shown per document in the text report.
        #[arg(long, default_value_t = 5)]
        top: usize,
    },
    /// Quality gate: pass records at or below the threshold to stdout unchanged, reject the others (and
    /// unreadable ones) to a file, with a summary on stderr.
    #[command(after_help = GATE_HELP)]
    Gate {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        scoring: ScoringArgs,
        /// Where rejected records go (JSONL; created or truncated).
        #[arg(long, required = true, value_name = "REJECTS.jsonl")]
        rejects: String,
        /// Fail (exit 1) only when more than this share of records (0 to 1) is rejected.
        #[arg(long, value_name = "RATE")]
        max_reject_rate: Option<f64>,
    },
    /// Write the text mtlint reads from each document as JSONL ({"id", "text"}), e.g. to gate feed items
    /// or WARC pages.
    #[command(after_help = EXIT_HELP)]
    Extract {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Show every sentence of a text with its findings and each feature's contribution to its score.
    Explain {
        /// The text to explain ("-" reads standard input).
        text: String,
        #[arg(long)]
        model: Option<String>,
        /// Feature contributions shown per sentence.
        #[arg(long, default_value_t = 8)]
        top_features: usize,
    },
    /// Train a model on labelled JSONL (`text`, `label` mt/human or 1/0, optional `group`), or on plain
    /// files of human and machine-translated text (one text per line).
    Train {
        /// Labelled JSONL files.
        #[arg(long = "data", num_args = 1.., required_unless_present_any = ["human", "mt"])]
        data: Vec<String>,
        /// Plain-text files of human-written English, one text per line.
        #[arg(long, num_args = 1.., requires = "mt")]
        human: Vec<String>,
        /// Plain-text files of machine-translated English, one text per line.
        #[arg(long, num_args = 1.., requires = "human")]
        mt: Vec<String>,
        #[arg(long)]
        out: String,
        #[arg(long, default_value = "text")]
        text_field: String,
        #[arg(long, default_value = "label")]
        label_field: String,
        #[arg(long, default_value = "group")]
        group_field: String,
        #[command(flatten)]
        filter: RecordFilter,
        /// Records per class at most after balancing.
        #[arg(long, default_value_t = 40_000)]
        max_per_class: usize,
        /// L2 regularisation strength (on the summed log-loss).
        #[arg(long, default_value_t = 0.01)]
        alpha: f64,
        /// The domain the model is for (e.g. domain=news): the n-gram profile and the weights of the
        /// statistics are learned from it alone; other records teach only the weights of the findings.
        #[arg(long, value_name = "FIELD=VALUE")]
        target: Option<String>,
        /// Within each class, give every value of this field (e.g. "kind": neural and rule-based MT) an
        /// equal share of the training sample.
        #[arg(long)]
        mix_by: Option<String>,
        /// Fit one linear head per value of this field among the machine-translated records (e.g. "kind":
        /// neural MT is more fluent than human text, rule-based MT less, and one linear model cannot learn
        /// both); a sentence scores by its most suspicious head.
        #[arg(long)]
        heads_by: Option<String>,
        /// Balance mt/human within each value of this field (e.g. "domain"), so that the field is not
        /// learned as the label.
        #[arg(long)]
        balance_by: Option<String>,
        /// Prior odds that a sentence with an artifact finding is machine-translated, given to the fit as
        /// prior data (pseudo-observations, one set per finding family), so that a rule the training data
        /// rarely sees keeps a weight near ln(odds). 0 turns the prior off.
        #[arg(long, default_value_t = 9.0)]
        rule_prior_odds: f64,
        /// How many observations the rule prior is worth, per finding family.
        #[arg(long, default_value_t = 20.0)]
        rule_prior_rows: f64,
        /// Additive smoothing of the n-gram profile's counts, in units of the mean record weight: larger
        /// values trust less an n-gram that only the larger class (after balancing) happened to contain.
        #[arg(long, default_value_t = TrainOptions::default().profile_smoothing)]
        profile_smoothing: f64,
    },
    /// Evaluate a model on labelled JSONL: ROC-AUC, PR-AUC, confusion matrix, breakdown, weights.
    Eval {
        #[arg(long = "data", required = true, num_args = 1..)]
        data: Vec<String>,
        #[arg(long)]
        model: Option<String>,
        #[command(flatten)]
        filter: RecordFilter,
        /// Break ROC-AUC down by this field (each mt value against each human value).
        #[arg(long)]
        by: Option<String>,
        /// Also evaluate documents: records sharing the values of these fields (and the label) form one
        /// document, scored like `scan` scores a document (e.g. `--documents doc,system`).
        #[arg(long, value_delimiter = ',')]
        documents: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportArg,
        /// Also draw the ROC and precision-recall curves into this SVG file.
        #[arg(long)]
        plot: Option<String>,
        /// The threshold of the confusion matrices and verdict shares (default: the model's), to see what a
        /// gate at another threshold would pass and reject.
        #[arg(long)]
        threshold: Option<f64>,
    },
    /// Build the fluency model (`models/fluency.bin`) from human English, one sentence per line.
    BuildFluency {
        #[arg(long)]
        input: String,
        #[arg(long)]
        out: String,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            if stream::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("mtlint: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// The precision, recall, F1 and confusion matrix of verdicts at `threshold` (eval's text report).
fn write_confusion(out: &mut impl Write, threshold: f64, c: &mtlint::metrics::Confusion) -> io::Result<()> {
    writeln!(out, "at threshold {threshold:.2}: precision {:.4} recall {:.4} F1 {:.4}", c.precision(), c.recall(), c.f1())?;
    writeln!(out, "confusion: TP {} FP {} TN {} FN {}", c.true_positive, c.false_positive, c.true_negative, c.false_negative)
}

fn load_model(path: Option<&str>) -> Result<Model> {
    match path {
        None => Ok(default_model().clone()),
        Some(p) => {
            let json = std::fs::read_to_string(p).with_context(|| format!("cannot read model {p}"))?;
            Model::from_json(&json).with_context(|| format!("cannot use model {p}"))
        }
    }
}

fn run() -> Result<ExitCode> {
    match Cli::parse().command {
        Command::Scan { input, scoring, format, output, top } => {
            let model = load_model(scoring.model.as_deref())?;
            let mut scanner = Scanner::new(&model);
            scoring.threshold(&mut scanner)?;
            let to_terminal = output.is_none() && io::stdout().is_terminal();
            let format = match format.unwrap_or(if to_terminal { OutputArg::Text } else { OutputArg::Jsonl }) {
                OutputArg::Text => ScanFormat::Text(TextOptions { top_sentences: top, min_sentence_score: 0.5, color: to_terminal }),
                OutputArg::Jsonl => ScanFormat::Jsonl,
                OutputArg::Tsv => ScanFormat::Tsv,
                OutputArg::Attributes => ScanFormat::Attributes,
                OutputArg::Html => ScanFormat::Html,
            };
            let mut out: Box<dyn Write> = match &output {
                Some(path) => Box::new(stream::buffered(std::fs::File::create(path).with_context(|| format!("cannot create {path}"))?)),
                None => Box::new(stream::buffered(io::stdout().lock())),
            };
            stream::scan(&scanner, &scoring.inputs(&input), format, &mut out)
        }
        Command::Gate { input, scoring, rejects, max_reject_rate } => {
            if let Some(r) = max_reject_rate {
                anyhow::ensure!((0.0..=1.0).contains(&r), "--max-reject-rate must be between 0 and 1");
            }
            let model = load_model(scoring.model.as_deref())?;
            let mut scanner = Scanner::new(&model);
            scoring.threshold(&mut scanner)?;
            stream::gate(&scanner, &scoring.inputs(&input), &rejects, max_reject_rate)
        }
        Command::Extract { input } => {
            let inputs = Inputs { files: input.files.clone(), read: input.read_options(), jobs: 1, strict: input.strict };
            stream::extract(&inputs, &mut BufWriter::new(io::stdout().lock()))
        }
        Command::Explain { text, model, top_features } => {
            let model = load_model(model.as_deref())?;
            let text = if text == "-" { io::read_to_string(io::stdin()).context("cannot read standard input")? } else { text };
            let scanner = Scanner::new(&model);
            let report = scanner.scan("text".into(), &text);
            let mut out = BufWriter::new(io::stdout().lock());
            writeln!(out, "document score {:.3}  verdict {}", report.score, report.verdict)?;
            for s in &report.sentences {
                writeln!(out, "\n[{:.3}] {}", s.score, s.text)?;
                if model.heads.len() > 1 && s.logit.is_finite() {
                    writeln!(out, "  scored by head {}", model.heads[s.head].name)?;
                }
                for f in &s.findings {
                    writeln!(out, "  finding {} \"{}\": {}", f.rule, &text[f.start..f.end], f.message)?;
                }
                for c in scanner.explain(s).iter().take(top_features) {
                    writeln!(out, "  {:+.3}  {} = {:.3}", c.contribution, c.feature, c.value)?;
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Train { data, human, mt, out, text_field, label_field, group_field, filter, max_per_class, alpha, target, mix_by, heads_by, balance_by, rule_prior_odds, rule_prior_rows, profile_smoothing } => {
            let rule_prior = RulePrior::new(rule_prior_odds, rule_prior_rows).context("--rule-prior-odds/--rule-prior-rows")?;
            anyhow::ensure!(profile_smoothing.is_finite() && profile_smoothing > 0.0, "--profile-smoothing must be a positive number, not {profile_smoothing}");
            let fields = LabelFields { text: text_field, label: label_field, group: group_field };
            let mut records = if data.is_empty() { Vec::new() } else { read_all_labelled(&data, &fields, &filter)? };
            for (paths, label) in [(&human, false), (&mt, true)] {
                for p in paths {
                    records.extend(mtlint::train::read_plain(input::open(p, None)?, p, label)?);
                }
            }
            eprintln!("mtlint train: {} records", records.len());
            let target = parse_conditions("--target", &target.into_iter().collect::<Vec<_>>())?.pop();
            let options = TrainOptions { max_per_class, alpha, balance_by, mix_by, heads_by, target, rule_prior, profile_smoothing, ..TrainOptions::default() };
            let mut model = train(&records, &options, |line| eprintln!("mtlint train: {line}"))?;
            if let serde_json::Value::Object(map) = &mut model.training {
                map.insert("data".into(), serde_json::json!(data));
                map.insert("split".into(), serde_json::json!(filter.split));
                map.insert("context_by".into(), serde_json::json!(filter.context_by));
            }
            std::fs::write(&out, model.to_json() + "\n").with_context(|| format!("cannot write {out}"))?;
            eprintln!("mtlint train: wrote {out}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { data, model, filter, by, documents, format, plot, threshold } => {
            let mut model = load_model(model.as_deref())?;
            if let Some(t) = threshold {
                model.threshold = checked_threshold(t)?;
            }
            let records = read_all_labelled(&data, &LabelFields::default(), &filter)?;
            let report = evaluate(&model, &records, by.as_deref(), &documents);
            if let Some(path) = &plot {
                let svg = mtlint::plot::curves_svg(&report.scores, &report.labels, report.roc_auc, report.pr_auc);
                std::fs::write(path, svg).with_context(|| format!("cannot write {path}"))?;
            }
            let mut out = BufWriter::new(io::stdout().lock());
            match format {
                ReportArg::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
                ReportArg::Text => {
                    let f = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.4}"));
                    writeln!(out, "records {} (mt {}, human {})", report.records, report.mt_records, report.human_records)?;
                    writeln!(out, "ROC-AUC {}  PR-AUC {}", f(report.roc_auc), f(report.pr_auc))?;
                    write_confusion(&mut out, report.threshold, &report.confusion)?;
                    if let Some(by) = &report.by {
                        writeln!(out, "\nROC-AUC by {by} (mt value vs human value):")?;
                        for b in &report.breakdown {
                            writeln!(out, "  {:>12} vs {:<12} {}  ({} vs {})", b.mt, b.human, f(b.roc_auc), b.mt_records, b.human_records)?;
                        }
                    }
                    if let Some(d) = &report.documents {
                        writeln!(out, "\ndocuments ({}): {} (mt {}, human {}), ROC-AUC {}", d.fields.join(","), d.documents, d.mt_documents, d.human_documents, f(d.roc_auc))?;
                        write_confusion(&mut out, report.threshold, &d.confusion)?;
                        for b in &d.breakdown {
                            writeln!(out, "  {:>12} vs {:<12} {}  ({} vs {} documents)", b.mt, b.human, f(b.roc_auc), b.mt_records, b.human_records)?;
                        }
                        if !d.verdicts.is_empty() {
                            writeln!(out, "verdict mt at threshold {:.2}, by {}:", report.threshold, report.by.as_deref().unwrap_or(""))?;
                        }
                        for v in &d.verdicts {
                            let share = v.verdict_mt as f64 / v.documents.max(1) as f64;
                            writeln!(out, "  {:>12} ({:<5}) {} of {} documents ({:.1}%)", v.value, v.label, v.verdict_mt, v.documents, 100.0 * share)?;
                        }
                    }
                    for head in &report.heads {
                        writeln!(out, "\nfeature weights of head {} (standardised), largest first:", head.name)?;
                        for (name, w) in head.weights.iter().take(20) {
                            writeln!(out, "  {w:+.3}  {name}")?;
                        }
                    }
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BuildFluency { input, out } => {
            let reader = input::open(&input, None)?;
            let model = mtlint::fluency::FluencyModel::train(reader, |n| eprintln!("mtlint build-fluency: {n} lines"))?;
            let mut file = BufWriter::new(std::fs::File::create(&out).with_context(|| format!("cannot write {out}"))?);
            model.write(&mut file).with_context(|| format!("cannot write {out}"))?;
            file.flush()?;
            eprintln!("mtlint build-fluency: {} words in the vocabulary, wrote {out}", model.vocabulary_size());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_conditions(flag: &str, items: &[String]) -> Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|f| {
            let (k, v) = f.split_once('=').with_context(|| format!("{flag} takes FIELD=VALUE, got {f:?}"))?;
            Ok((k.to_string(), v.to_string()))
        })
        .collect()
}

fn field_is(r: &mtlint::train::LabelledRecord, field: &str, value: &str) -> bool {
    match r.fields.get(field) {
        Some(serde_json::Value::String(s)) => s == value,
        // A number or boolean matches by its JSON text ("1", "true"); clippy's `*other == value` would
        // compare only strings.
        #[allow(clippy::cmp_owned)]
        Some(other) => other.to_string() == value,
        None => false,
    }
}

fn read_all_labelled(paths: &[String], fields: &LabelFields, filter: &RecordFilter) -> Result<Vec<mtlint::train::LabelledRecord>> {
    let mut conditions = parse_conditions("--where", &filter.filters)?;
    if let Some(split) = &filter.split {
        conditions.push(("split".into(), split.clone()));
    }
    let exclusions = parse_conditions("--exclude", &filter.exclude)?;
    let mut records = Vec::new();
    for p in paths {
        let reader = input::open(p, None)?;
        let mut recs = read_labelled(reader, p, fields)?;
        mtlint::train::assign_context(&mut recs, &filter.context_by); // before filtering: context is what precedes in the file
        recs.retain(|r| {
            conditions.iter().all(|(k, v)| field_is(r, k, v)) && !exclusions.iter().any(|(k, v)| field_is(r, k, v))
        });
        records.extend(recs);
    }
    anyhow::ensure!(!records.is_empty(), "no labelled records in {}", paths.join(", "));
    Ok(records)
}
