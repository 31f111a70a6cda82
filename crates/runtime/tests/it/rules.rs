//! Rules loader against the Falco corpus: the official rules files load cleanly, and the
//! legacy test specs' loader errors come out with Falco's item, name, code and words.

use std::collections::BTreeSet;
use std::path::Path;

use custody_runtime::engine::Engine;
use custody_runtime::rules::{ErrorKind, RuleSet};
use serde_json::Value;

use crate::corpus;

/// The official rules files, in the order `falco -r` would load them.
const OFFICIAL: &[&str] = &[
    "rules/rules/falco_rules.yaml",
    "rules/rules/falco-incubating_rules.yaml",
    "rules/rules/falco-sandbox_rules.yaml",
    "plugins/k8saudit/rules/k8s_audit_rules.yaml",
];

/// Distinct names after `<kind>: ` where an item's key starts (`- ` or two spaces): how many
/// items of a kind the files define, counted from the text independently of the loader.
fn names(text: &str, kind: &str) -> BTreeSet<String> {
    let key = format!("{kind}: ");
    text.lines()
        .filter_map(|line| line.strip_prefix("- ").or_else(|| line.strip_prefix("  ")))
        .filter_map(|line| line.strip_prefix(&key))
        .map(|name| name.trim().to_owned())
        .collect()
}

#[test]
fn official_rules_load_without_errors() {
    let falco = corpus("falco");
    let mut together = RuleSet::new();
    let (mut rules, mut macros, mut lists) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for file in OFFICIAL {
        let path = falco.join(file);
        let text = fs_err::read_to_string(&path).expect("official rules file");
        rules.extend(names(&text, "rule"));
        macros.extend(names(&text, "macro"));
        lists.extend(names(&text, "list"));

        let mut alone = RuleSet::new();
        assert!(
            alone.load_file(&path).expect("readable"),
            "{:?}",
            alone.errors()
        );
        assert!(
            alone.warnings().is_empty(),
            "{file}: {:?}",
            alone.warnings()
        );
        assert_eq!(alone.rules().len(), names(&text, "rule").len(), "{file}");
        assert!(together.load_file(&path).expect("readable"));
    }
    assert!(together.errors().is_empty(), "{:?}", together.errors());
    assert!(together.warnings().is_empty(), "{:?}", together.warnings());
    let loaded = |names: Vec<&str>| {
        names
            .into_iter()
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        loaded(together.rules().iter().map(|r| r.name.as_str()).collect()),
        rules
    );
    assert_eq!(
        loaded(together.macros().iter().map(|m| m.name.as_str()).collect()),
        macros
    );
    let list_names: Vec<String> = together.lists().into_iter().map(|l| l.name).collect();
    assert_eq!(list_names.iter().cloned().collect::<BTreeSet<_>>(), lists);
    println!(
        "official rules: {} rules, {} macros, {} lists",
        rules.len(),
        macros.len(),
        lists.len()
    );
    assert!(rules.len() > 100 && macros.len() > 100 && lists.len() > 100);
    // The k8saudit file requires engine 15 (0.15.0); the syscall files 0.57.0.
    assert_eq!(
        together.required_engine_version().map(|v| v.to_string()),
        Some("0.57.0".to_owned())
    );
    // Each syscall file requires `container`; k8saudit (with four alternatives) and `json`.
    let plugins: Vec<(&str, usize)> = together
        .required_plugin_versions()
        .iter()
        .map(|alternatives| (alternatives[0].name.as_str(), alternatives.len()))
        .collect();
    assert_eq!(
        plugins,
        [
            ("container", 1),
            ("container", 1),
            ("container", 1),
            ("k8saudit", 5),
            ("json", 1)
        ]
    );
    // Every exception of the official files builds into the condition Falco compiles.
    let with_exceptions = together.rules().iter().filter(|r| !r.exceptions.is_empty());
    for rule in with_exceptions {
        assert!(
            rule.condition
                .starts_with(&format!("({})", rule.base_condition)),
            "{}",
            rule.name
        );
    }
}

/// Legacy spec entries whose expected error comes from the condition or output compiler, not
/// the loader: reported as pending until the `condition` module checks them.
fn needs_compiler(code: &str, message: &str) -> bool {
    code.starts_with("LOAD_ERR_COMPILE")
        || matches!(
            code,
            "LOAD_UNUSED_MACRO" | "LOAD_UNUSED_LIST" | "LOAD_NO_EVTTYPE" | "LOAD_UNKNOWN_FIELD"
        )
        || message.starts_with("Undefined macro")
        || message.contains("reference loop")
        || message.contains("is not a supported filter field")
}

/// How the compiler's diagnostics compare with a spec entry's compiler-side expectations.
enum CompilerVerdict {
    /// Every expectation reported with Falco's item, code and words.
    Exact,
    /// Every expectation reported on the same item with the same code; the listed messages are
    /// worded differently.
    SameItemAndCode(Vec<String>),
    /// Expectations custody does not check yet, with the reason.
    Pending(&'static str),
    /// Expectations nothing reported.
    Missing(Vec<String>),
}

/// Compiles the loaded rules and compares the diagnostics with `wanted`.
fn compiler_verdict(rules: &RuleSet, wanted: &[&Expected]) -> CompilerVerdict {
    if wanted.iter().any(|want| want.code == "LOAD_NO_EVTTYPE") {
        return CompilerVerdict::Pending(
            "evt.type analysis of syscall rules arrives with the sensor",
        );
    }
    let compiled = Engine::compile(rules);
    let diagnostics: Vec<_> = compiled.errors.iter().chain(&compiled.warnings).collect();
    let (mut missing, mut worded) = (Vec::new(), Vec::new());
    for want in wanted {
        let same = diagnostics.iter().find(|found| {
            found.item == want.item_type && found.name == want.item_name && found.code == want.code
        });
        match same {
            None => missing.push(format!(
                "{} {} '{}': {}",
                want.code, want.item_type, want.item_name, want.message
            )),
            Some(found) if found.message.contains(&want.message) => {}
            Some(found) => worded.push(format!("want '{}', got '{}'", want.message, found.message)),
        }
    }
    if !missing.is_empty() {
        CompilerVerdict::Missing(missing)
    } else if worded.is_empty() {
        CompilerVerdict::Exact
    } else {
        CompilerVerdict::SameItemAndCode(worded)
    }
}

/// Spec entries written before Falco 0.36 checked macro names: their files name macros with
/// spaces (`some macro`, `dangling append`), which Falco now rejects first with
/// `Macro has an invalid name`, as custody does.
const PREDATE_MACRO_NAME_CHECK: &[&str] = &[
    "invalid_append_macro_dangling",
    "invalid_overwrite_macro",
    "invalid_append_macro",
    "invalid_overwrite_macro_multiple_docs",
    "invalid_append_macro_multiple_docs",
];

/// One expected error or warning of a spec entry.
struct Expected {
    item_type: String,
    item_name: String,
    code: String,
    message: String,
    contains: bool,
}

fn expected(list: Option<&Value>) -> Vec<Expected> {
    let text = |entry: &Value, key| entry.get(key).and_then(Value::as_str).map(str::to_owned);
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|entry| Expected {
            item_type: text(entry, "item_type").unwrap_or_default(),
            item_name: text(entry, "item_name").unwrap_or_default(),
            code: text(entry, "code").unwrap_or_default(),
            contains: entry.get("message_contains").is_some(),
            message: text(entry, "message")
                .or_else(|| text(entry, "message_contains"))
                .unwrap_or_default(),
        })
        .collect()
}

fn load(test_dir: &Path, files: &[String]) -> RuleSet {
    let mut rules = RuleSet::new();
    for file in files {
        let path = test_dir.join(file);
        if path.is_dir() {
            // Falco loads a rules directory's files in name order.
            let mut entries: Vec<_> = fs_err::read_dir(&path)
                .expect("rules directory")
                .map(|entry| entry.expect("directory entry").path())
                .collect();
            entries.sort();
            for entry in entries {
                rules.load_file(&entry).expect("readable rules file");
            }
        } else {
            rules.load_file(&path).expect("readable rules file");
        }
    }
    rules
}

fn file_list(entry: &Value, key: &str) -> Vec<String> {
    match entry.get(key) {
        Some(Value::String(file)) => vec![file.clone()],
        Some(Value::Array(files)) => files
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Compares one loader error with an expected one; the YAML parse error keeps only its line,
/// because yaml-cpp's wording ("illegal map value") is not our parser's.
fn matches(error: &custody_runtime::rules::LoadError, want: &Expected) -> bool {
    let same_item = error.item.as_str() == want.item_type
        && error.name == want.item_name
        && error.code() == want.code;
    let message = error.kind.to_string();
    let same_message = match &error.kind {
        ErrorKind::Syntax { .. } => want
            .message
            .strip_prefix("yaml-cpp: error at line ")
            .and_then(|rest| rest.split(',').next())
            .is_some_and(|line| line == error.location.position.line.to_string()),
        _ if want.contains => message.contains(&want.message),
        _ => message == want.message,
    };
    same_item && same_message
}

/// What one legacy spec entry came to.
enum Outcome {
    /// A detection entry whose rules load cleanly.
    Clean,
    /// Every expected error reported by the loader.
    Loader,
    /// An entry predating Falco's macro name check, answered with that check's error.
    Superseded,
    /// The compiler's diagnostics, for entries expecting compiler errors.
    Compiler(CompilerVerdict),
    /// Something expected was not reported, or something unexpected was.
    Failed(String),
    /// Not a rules-loading entry.
    Skipped,
}

/// Judges one spec entry.
fn judge(test_dir: &Path, name: &str, entry: &Value) -> Outcome {
    let validate = file_list(entry, "validate_rules_file");
    if validate.is_empty() {
        // A detection entry: its rules files must load without loader errors.
        let files = file_list(entry, "rules_file");
        if files.is_empty() {
            return Outcome::Skipped;
        }
        let rules = load(test_dir, &files);
        return if rules.errors().is_empty() {
            Outcome::Clean
        } else {
            Outcome::Failed(format!("unexpected {:?}", rules.errors()))
        };
    }
    let rules = load(test_dir, &validate);
    if PREDATE_MACRO_NAME_CHECK.contains(&name) {
        let ours = rules.errors().iter().map(|e| &e.kind).collect::<Vec<_>>();
        return if !ours.is_empty()
            && ours
                .iter()
                .all(|kind| **kind == ErrorKind::InvalidMacroName)
        {
            Outcome::Superseded
        } else {
            Outcome::Failed(format!("expected InvalidMacroName, got {ours:?}"))
        };
    }
    let errors = expected(entry.get("validate_errors"));
    let warnings = expected(entry.get("validate_warnings"));
    let (compiler, loader): (Vec<_>, Vec<_>) = errors
        .iter()
        .chain(&warnings)
        .partition(|want| needs_compiler(&want.code, &want.message));
    let loader_errors = errors
        .iter()
        .filter(|want| !needs_compiler(&want.code, &want.message))
        .count();
    if rules.errors().len() != loader_errors {
        return Outcome::Failed(format!(
            "expected {loader_errors} loader errors, got {:?}",
            rules.errors()
        ));
    }
    let missing: Vec<_> = loader
        .iter()
        .filter(|want| {
            !rules.errors().iter().any(|error| matches(error, want))
                && !rules.warnings().iter().any(|warning| {
                    warning.item.as_str() == want.item_type
                        && warning.name == want.item_name
                        && warning.code() == want.code
                        && warning.kind.to_string() == want.message
                })
        })
        .map(|want| {
            format!(
                "{} {} '{}': {}",
                want.code, want.item_type, want.item_name, want.message
            )
        })
        .collect();
    if !missing.is_empty() {
        return Outcome::Failed(format!(
            "expected {missing:?}\n  got errors {:?}\n  warnings {:?}",
            rules.errors(),
            rules.warnings()
        ));
    }
    if compiler.is_empty() {
        Outcome::Loader
    } else {
        Outcome::Compiler(compiler_verdict(&rules, &compiler))
    }
}

#[test]
fn legacy_specs_loader_errors() {
    let test_dir = corpus("falco").join("legacy-tests/test");
    let (mut loader, mut superseded, mut clean, mut exact) = (0, 0, 0, 0);
    let (mut worded, mut pending, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for spec in ["falco_tests.yaml", "falco_tests_exceptions.yaml"] {
        let text = fs_err::read_to_string(test_dir.join(spec)).expect("spec file");
        let root: Value = serde_saphyr::from_str(&text).expect("spec is YAML");
        let entries = root
            .get("trace_files")
            .and_then(Value::as_object)
            .expect("trace_files mapping");
        for (name, entry) in entries {
            match judge(&test_dir, name, entry) {
                Outcome::Clean => clean += 1,
                Outcome::Loader => loader += 1,
                Outcome::Superseded => superseded += 1,
                Outcome::Skipped => {}
                Outcome::Compiler(CompilerVerdict::Exact) => exact += 1,
                Outcome::Compiler(CompilerVerdict::SameItemAndCode(differences)) => {
                    worded.push(format!("{name}: {}", differences.join("; ")));
                }
                Outcome::Compiler(CompilerVerdict::Pending(reason)) => {
                    pending.push(format!("{name} ({reason})"));
                }
                Outcome::Compiler(CompilerVerdict::Missing(missing)) => {
                    failures.push(format!("{name}: compiler did not report {missing:?}"));
                }
                Outcome::Failed(reason) => failures.push(format!("{name}: {reason}")),
            }
        }
    }
    println!(
        "legacy specs: {loader} matched by the loader, {exact} by the compiler word for word, {} \
         by the compiler on item and code (wording differs), {} pending, {superseded} superseded \
         by Falco's macro name check, {clean} detection entries load cleanly, {} failed",
        worded.len(),
        pending.len(),
        failures.len()
    );
    for entry in &worded {
        println!("worded differently: {entry}");
    }
    println!("pending: {pending:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(loader >= 20, "only {loader} entries matched");
    assert!(exact >= 5, "only {exact} compiler entries matched");
}
