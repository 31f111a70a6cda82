//! The condition language: the grammar and every operator as falco.org's "Condition Syntax"
//! page (docs/concepts/rules/conditions: "Logical operators", "Comparison operators",
//! "Transformers", "Field evaluation") and libsinsp's `filter/parser.h` grammar define them;
//! errors with positions; macro and list expansion; and every condition of the four official
//! rules files.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use custody_runtime::condition::{
    BinaryOp, Check, ExpandError, Expected, Expr, Literal, MAX_CONDITION_LEN, MAX_DEPTH,
    MAX_EXPANDED_DEPTH, MAX_EXPANDED_NODES, Operand, ParseErrorKind, Span, Transformer, UnaryOp,
    expand, parse, parse_list_item,
};
use serde_json::{Map, Value};

/// Parses `text`, failing the test with the error.
fn parsed(text: &str) -> Expr {
    parse(text).unwrap_or_else(|error| panic!("{text:?} does not parse: {error}"))
}

/// The canonical text of `text`, checked to print back to itself when parsed again.
fn canonical(text: &str) -> String {
    let printed = parsed(text).to_string();
    assert_eq!(
        parsed(&printed).to_string(),
        printed,
        "canonical text of {text:?} is stable"
    );
    printed
}

/// The check, operator and value of a binary check.
fn binary(expr: &Expr) -> (&Check, BinaryOp, &Operand) {
    match expr {
        Expr::Binary {
            check, op, value, ..
        } => (check, *op, value),
        other => panic!("not a binary check: {other:?}"),
    }
}

/// The texts of an operand's values (one for a single value).
fn values(operand: &Operand) -> Vec<(&str, bool)> {
    match operand {
        Operand::Single(literal) => vec![(literal.text.as_str(), literal.quoted)],
        Operand::List(items) => items
            .iter()
            .map(|item| (item.text.as_str(), item.quoted))
            .collect(),
        Operand::Field(check) => panic!("a field, not values: {check:?}"),
    }
}

/// A macro reference named `name`, span ignored.
fn is_macro(expr: &Expr, expected: &str) -> bool {
    matches!(expr, Expr::Macro { name, .. } if name == expected)
}

// Logical operators: `and`, `or`, `not`, with parentheses for precedence.
#[test]
fn logical_operators_from_the_docs() {
    let expr = parsed("evt.type = execve and (proc.name = cat or proc.name = grep)");
    let Expr::And(children) = &expr else {
        panic!("an and: {expr:?}")
    };
    assert_eq!(children.len(), 2);
    assert_eq!(binary(&children[0]).0.field, "evt.type");
    let Expr::Or(alternatives) = &children[1] else {
        panic!("an or: {:?}", children[1])
    };
    assert_eq!(values(binary(&alternatives[1]).2), [("grep", false)]);

    let expr = parsed("not proc.name = bash");
    assert!(matches!(&expr, Expr::Not(child) if binary(child).1 == BinaryOp::Eq));
    assert_eq!(
        canonical("evt.type = open and fd.typechar='f'"),
        "evt.type = open and fd.typechar = \"f\""
    );
}

// libsinsp: `not` binds tighter than `and`, which binds tighter than `or`; `and`/`or` chains are
// flat; an even number of `not`s cancels out; `and(`, `or(` and `not(` need no blank.
#[test]
fn precedence_is_not_then_and_then_or() {
    let expr = parsed("a or b and not c or d");
    let Expr::Or(children) = &expr else {
        panic!("an or: {expr:?}")
    };
    assert_eq!(children.len(), 3);
    assert!(is_macro(&children[0], "a") && is_macro(&children[2], "d"));
    let Expr::And(conjuncts) = &children[1] else {
        panic!("an and: {:?}", children[1])
    };
    assert!(is_macro(&conjuncts[0], "b"));
    assert!(matches!(&conjuncts[1], Expr::Not(child) if is_macro(child, "c")));

    assert!(
        matches!(parsed("not a and b"), Expr::And(children) if matches!(children[0], Expr::Not(_)))
    );
    assert!(is_macro(&parsed("not not a"), "a"));
    assert!(matches!(parsed("not not not a"), Expr::Not(_)));
    assert_eq!(canonical("not(a or b)"), "not (a or b)");
    assert_eq!(canonical("a and(b or c)"), "a and (b or c)");
    assert_eq!(canonical("(a)or(b)"), "a or b");
    assert_eq!(canonical("((a and b)) and c"), "(a and b) and c");
    assert_eq!(canonical("not (not a)"), "not (not a)");
    // A keyword standing alone is a macro name, as in libsinsp; it prints in parentheses.
    // (Found by fuzzing: `not not or` printed back as three keywords.)
    let expr = parsed("not\tnot or or x.y exists");
    assert!(matches!(&expr, Expr::Or(children) if is_macro(&children[0], "or")));
    assert_eq!(canonical("not\tnot or or x.y exists"), "(or) or x.y exists");
    assert_eq!(canonical("a and not"), "a and (not)");
    assert_eq!(canonical("not (and)"), "not (and)");
    // A name that only starts like a keyword is a macro.
    assert!(is_macro(&parsed("notfound"), "notfound"));
    assert!(
        matches!(parsed("a and android"), Expr::And(children) if is_macro(&children[1], "android"))
    );
}

/// A condition, the operator it uses and the values it compares with.
type Case = (&'static str, BinaryOp, &'static [(&'static str, bool)]);

// Comparison operators, with the examples of the docs' table where it gives one.
#[test]
fn every_comparison_operator() {
    let cases: [Case; 22] = [
        ("proc.name = bash", BinaryOp::Eq, &[("bash", false)]),
        ("proc.name == bash", BinaryOp::Eq, &[("bash", false)]),
        ("proc.name != bash", BinaryOp::Ne, &[("bash", false)]),
        ("evt.buflen > 100", BinaryOp::Gt, &[("100", false)]),
        ("evt.buflen >= 0x1F", BinaryOp::Ge, &[("0x1F", false)]),
        ("evt.rawres < -1", BinaryOp::Lt, &[("-1", false)]),
        ("evt.count <= 1.5e+3", BinaryOp::Le, &[("1.5e+3", false)]),
        (
            "proc.cmdline contains \"-jar\"",
            BinaryOp::Contains,
            &[("-jar", true)],
        ),
        (
            "evt.arg.flags contains O_TRUNC",
            BinaryOp::Contains,
            &[("O_TRUNC", false)],
        ),
        (
            "user.name icontains john",
            BinaryOp::IContains,
            &[("john", false)],
        ),
        (
            "evt.buffer bcontains CAFEBABE",
            BinaryOp::BContains,
            &[("CAFEBABE", false)],
        ),
        (
            "fd.directory startswith \"/etc\"",
            BinaryOp::StartsWith,
            &[("/etc", true)],
        ),
        (
            "evt.buffer bstartswith 012AB3CC",
            BinaryOp::BStartsWith,
            &[("012AB3CC", false)],
        ),
        (
            "fd.filename endswith '.key'",
            BinaryOp::EndsWith,
            &[(".key", true)],
        ),
        (
            "fd.name glob \"/home/*/.ssh/*\"",
            BinaryOp::Glob,
            &[("/home/*/.ssh/*", true)],
        ),
        (
            "proc.name iglob Java*",
            BinaryOp::IGlob,
            &[("Java*", false)],
        ),
        (
            "fd.name regex '[a-z]*/proc/[0-9]+/cmdline'",
            BinaryOp::Regex,
            &[("[a-z]*/proc/[0-9]+/cmdline", true)],
        ),
        (
            "proc.name in (vi, emacs)",
            BinaryOp::In,
            &[("vi", false), ("emacs", false)],
        ),
        (
            "ka.req.pod.volumes.hostpath intersects (/proc, /var/run/docker.sock)",
            BinaryOp::Intersects,
            &[("/proc", false), ("/var/run/docker.sock", false)],
        ),
        (
            "fd.name pmatch (/var/run, /var/spool, /etc, /boot)",
            BinaryOp::PMatch,
            &[
                ("/var/run", false),
                ("/var/spool", false),
                ("/etc", false),
                ("/boot", false),
            ],
        ),
        (
            "fd.name pmatch (/var/*/*.txt)",
            BinaryOp::PMatch,
            &[("/var/*/*.txt", false)],
        ),
        ("proc.name in()", BinaryOp::In, &[]),
    ];
    for (text, op, expected) in cases {
        let expr = parsed(text);
        let (_, parsed_op, value) = binary(&expr);
        assert_eq!(parsed_op, op, "{text}");
        assert_eq!(values(value), expected, "{text}");
        assert_eq!(expr.span(), Span::new(0, text.len()), "{text}");
        canonical(text);
    }
    let expr = parsed("k8s.pod.name exists");
    assert!(
        matches!(&expr, Expr::Unary { check, op: UnaryOp::Exists, .. }
            if check.field == "k8s.pod.name")
    );
    assert_eq!(expr.to_string(), "k8s.pod.name exists");
}

// Symbols need no blanks; word operators need a blank after them.
#[test]
fn operator_spacing_follows_libsinsp() {
    assert_eq!(canonical("proc.name=bash"), "proc.name = bash");
    assert_eq!(canonical("proc.pid>=1"), "proc.pid >= 1");
    assert_eq!(canonical("proc.name in(a,b)"), "proc.name in (a, b)");
    assert_eq!(canonical("proc.name!='a b'"), "proc.name != \"a b\"");
    assert!(parse("proc.name containsbash").is_err());
    assert_eq!(
        canonical("proc.name contains\tbash"),
        "proc.name contains bash"
    );
    assert_eq!(
        canonical("proc.name\ncontains\nbash"),
        "proc.name contains bash"
    );
}

// Fields: `name.with.dots` and an optional argument kept as raw text.
#[test]
fn field_arguments() {
    let cases = [
        ("proc.aname[2] = bash", "proc.aname", "2"),
        (
            "ka.req.pod.containers.image[0] = nginx",
            "ka.req.pod.containers.image",
            "0",
        ),
        (
            "jevt.value[/spec/containers/0/image] = nginx",
            "jevt.value",
            "/spec/containers/0/image",
        ),
        ("evt.arg[fd] < 0", "evt.arg", "fd"),
        ("ka.uri.param[x] = y", "ka.uri.param", "x"),
        ("jevt.value['/a b'] exists", "jevt.value", "/a b"),
    ];
    for (text, field, arg) in cases {
        let expr = parsed(text);
        let check = match &expr {
            Expr::Binary { check, .. } | Expr::Unary { check, .. } => check,
            other => panic!("not a check: {other:?}"),
        };
        assert_eq!(
            (check.field.as_str(), check.arg.as_deref()),
            (field, Some(arg)),
            "{text}"
        );
        canonical(text);
    }
    assert_eq!(
        canonical("jevt.value['/a b'] exists"),
        "jevt.value[\"/a b\"] exists"
    );
}

// Transformers: `tolower`, `toupper`, `b64`, `basename`, `len`, nestable, and `val()` on the
// right-hand side ("Field evaluation").
#[test]
fn transformers_and_field_values() {
    let expr = parsed("tolower(proc.name) = bash");
    let (check, _, _) = binary(&expr);
    assert_eq!(check.transformers, [Transformer::ToLower]);
    assert_eq!(check.span, Span::new(0, 18));

    let expr = parsed("toupper( b64(basename(fd.name)) ) startswith X");
    let (check, op, _) = binary(&expr);
    assert_eq!(
        check.transformers,
        [
            Transformer::ToUpper,
            Transformer::Base64,
            Transformer::Basename
        ]
    );
    assert_eq!(
        (check.field.as_str(), op),
        ("fd.name", BinaryOp::StartsWith)
    );
    assert_eq!(
        expr.to_string(),
        "toupper(b64(basename(fd.name))) startswith X"
    );

    let expr = parsed("len(proc.args) > 2");
    assert_eq!(binary(&expr).0.transformers, [Transformer::Len]);

    let expr = parsed("proc.name = val(proc.pname)");
    let Operand::Field(other) = binary(&expr).2 else {
        panic!("a field value")
    };
    assert_eq!(
        (other.field.as_str(), other.transformers.len()),
        ("proc.pname", 0)
    );
    assert_eq!(expr.to_string(), "proc.name = val(proc.pname)");

    let expr = parsed("tolower(proc.name) = tolower(proc.pname)");
    let Operand::Field(other) = binary(&expr).2 else {
        panic!("a field value")
    };
    assert_eq!(other.transformers, [Transformer::ToLower]);
    assert_eq!(
        canonical("proc.aname[1] in val(proc.name)"),
        "proc.aname[1] in val(proc.name)"
    );
    assert_eq!(
        canonical("evt.count > val(evt.rawres)"),
        "evt.count > val(evt.rawres)"
    );
}

// Values: bare words keep any character but `()"',=` and blanks; quoted strings take libsinsp's
// escapes; a bare name after a list operator is a list reference.
#[test]
fn values_bare_quoted_and_lists() {
    let expr = parsed("container.image.repository = docker.io/library/nginx:1.2");
    assert_eq!(
        values(binary(&expr).2),
        [("docker.io/library/nginx:1.2", false)]
    );
    let expr = parsed("proc.pname in (runc:[1:CHILD], -c, 3)");
    assert_eq!(
        values(binary(&expr).2),
        [("runc:[1:CHILD]", false), ("-c", false), ("3", false)]
    );
    let expr = parsed(r#"fd.name contains "a\"b\n\\c" and fd.name = 'it\'s'"#);
    let Expr::And(children) = &expr else {
        panic!("an and")
    };
    assert_eq!(values(binary(&children[0]).2), [("a\"b\n\\c", true)]);
    assert_eq!(values(binary(&children[1]).2), [("it's", true)]);
    assert_eq!(
        expr.to_string(),
        r#"fd.name contains "a\"b\n\\c" and fd.name = "it's""#
    );
    // libsinsp reads `\ ` as a backslash; a final backslash prints that way.
    let expr = parsed(r#"proc.args contains "\ " or fd.name = "a\\b\ ""#);
    let Expr::Or(children) = &expr else {
        panic!("an or")
    };
    assert_eq!(values(binary(&children[0]).2), [("\\", true)]);
    assert_eq!(values(binary(&children[1]).2), [(r"a\b\", true)]);
    assert_eq!(
        canonical(&expr.to_string()),
        r#"proc.args contains "\ " or fd.name = "a\\b\ ""#
    );
    let expr = parsed("proc.name in shell_binaries");
    assert!(
        matches!(binary(&expr).2, Operand::Single(Literal { text, quoted: false, .. })
            if text == "shell_binaries")
    );
    let expr = parsed("proc.name in (a, \"b c\" , 'd')");
    assert_eq!(
        values(binary(&expr).2),
        [("a", false), ("b c", true), ("d", true)]
    );
    let Operand::List(items) = binary(&expr).2 else {
        panic!("a list")
    };
    assert_eq!(items[1].span, Span::new(17, 22));
}

/// The kind, offset, line and column of the error `text` gives.
fn failure(text: &str) -> (ParseErrorKind, usize, usize, usize) {
    let error = parse(text).expect_err(text);
    (error.kind, error.offset, error.line, error.column)
}

/// An [`ParseErrorKind::Expected`] of `expected` finding `found`.
fn expected(expected: Expected, found: Option<&str>) -> ParseErrorKind {
    ParseErrorKind::Expected {
        expected,
        found: found.map(str::to_owned),
    }
}

#[test]
fn errors_carry_positions() {
    assert_eq!(failure(""), (ParseErrorKind::Empty, 0, 1, 1));
    assert_eq!(
        failure("proc.name"),
        (expected(Expected::Operator, None), 9, 1, 10)
    );
    assert_eq!(
        failure("proc.name = "),
        (expected(Expected::Value, None), 12, 1, 13)
    );
    assert_eq!(
        failure("(a and b"),
        (expected(Expected::CloseParen, None), 8, 1, 9)
    );
    assert_eq!(
        failure("a and\n  proc.name ~ x"),
        (expected(Expected::Operator, Some("~")), 18, 2, 13)
    );
    assert_eq!(
        failure("a b"),
        (
            ParseErrorKind::Trailing {
                found: "b".to_owned()
            },
            2,
            1,
            3
        )
    );
    assert_eq!(
        failure("a andb"),
        (expected(Expected::BlankAfter("and"), Some("b")), 5, 1, 6)
    );
    assert_eq!(
        failure("proc.name = \"abc"),
        (ParseErrorKind::UnterminatedString { quote: '"' }, 12, 1, 13)
    );
    assert_eq!(
        failure("proc.name in (a,)"),
        (expected(Expected::ListItem, Some(")")), 16, 1, 17)
    );
    assert_eq!(
        failure("proc.name containsx"),
        (expected(Expected::Operator, Some("containsx")), 10, 1, 11)
    );
    assert_eq!(
        failure(r#"x.y = "it\'s""#),
        (
            ParseErrorKind::InvalidEscape {
                escape: '\'',
                quote: '"'
            },
            6,
            1,
            7
        )
    );
    assert_eq!(
        failure("proc.aname[2 = x"),
        (expected(Expected::CloseBracket, Some("=")), 13, 1, 14)
    );
    assert_eq!(
        failure("tolower(bash) = x"),
        (expected(Expected::Field, Some("bash)")), 8, 1, 9)
    );
    assert_eq!(
        failure("proc.pid > \"1\""),
        (expected(Expected::Number, Some("\"1\"")), 11, 1, 12)
    );
    assert_eq!(
        failure("proc.name in 'x'"),
        (expected(Expected::List, Some("'x'")), 13, 1, 14)
    );
    assert_eq!(
        failure("   "),
        (expected(Expected::Expression, None), 3, 1, 4)
    );
    let error = parse("a and\n  proc.name ~ x").expect_err("bad operator");
    assert!(
        error
            .to_string()
            .starts_with("expected a check operator (exists, =, =="),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .ends_with("found '~' at line 2, column 13"),
        "{error}"
    );
}

#[test]
fn input_size_and_depth_are_bounded() {
    let nested = |depth: usize| format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
    assert!(is_macro(&parsed(&nested(MAX_DEPTH)), "a"));
    assert_eq!(
        parse(&nested(MAX_DEPTH + 1)).expect_err("too deep").kind,
        ParseErrorKind::TooDeep { max: MAX_DEPTH }
    );
    let transformed = format!(
        "{}x.y{} exists",
        "len(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        parse(&transformed).expect_err("too deep").kind,
        ParseErrorKind::TooDeep { max: MAX_DEPTH }
    );
    // `not`s are counted, not nested.
    assert!(matches!(
        parsed(&format!("{}a", "not ".repeat(100_001))),
        Expr::Not(_)
    ));
    let long = format!("a{}", " ".repeat(MAX_CONDITION_LEN));
    assert!(matches!(
        parse(&long).expect_err("too long").kind,
        ParseErrorKind::TooLong { .. }
    ));
}

/// Definitions for expansion tests: macros and lists by name, parsed from text.
struct Definitions {
    macros: HashMap<String, Expr>,
    lists: HashMap<String, Vec<Literal>>,
}

impl Definitions {
    fn new(macros: &[(&str, &str)], lists: &[(&str, &[&str])]) -> Self {
        Self {
            macros: macros
                .iter()
                .map(|(name, condition)| ((*name).to_owned(), parsed(condition)))
                .collect(),
            lists: lists
                .iter()
                .map(|(name, items)| {
                    let items = items
                        .iter()
                        .map(|item| parse_list_item(item).expect("valid item"))
                        .collect();
                    ((*name).to_owned(), items)
                })
                .collect(),
        }
    }

    fn expand(&self, condition: &str) -> Result<Expr, ExpandError> {
        expand(
            &parsed(condition),
            &|name: &str| self.macros.get(name),
            &|name: &str| self.lists.get(name).map(Vec::as_slice),
        )
    }

    fn expanded(&self, condition: &str) -> String {
        self.expand(condition)
            .unwrap_or_else(|error| panic!("{condition:?} does not expand: {error}"))
            .to_string()
    }
}

// falco_rules.yaml defines `- macro: dup` as `(evt.type in (dup, dup2, dup3))`: the value `dup`
// is no macro reference, so expansion ends.
#[test]
fn macro_and_value_sharing_a_name_expand_once() {
    let definitions = Definitions::new(&[("dup", "(evt.type in (dup, dup2, dup3))")], &[]);
    assert_eq!(
        definitions.expanded("dup and not proc.name in (dup)"),
        "evt.type in (dup, dup2, dup3) and not proc.name in (dup)"
    );
}

#[test]
fn macros_expand_where_a_name_stands_as_an_expression() {
    let definitions = Definitions::new(
        &[
            (
                "spawned_process",
                "evt.type in (execve, execveat) and evt.dir = <",
            ),
            ("shell", "proc.name in (shell_binaries)"),
            ("shell_spawned", "spawned_process and shell"),
        ],
        &[("shell_binaries", &["bash", "sh"])],
    );
    assert_eq!(
        definitions.expanded("shell_spawned or not shell"),
        "((evt.type in (execve, execveat) and evt.dir = <) and proc.name in (bash, sh)) \
         or not proc.name in (bash, sh)"
    );
    // A macro name as a value is a value.
    assert_eq!(
        definitions.expanded("proc.name = shell"),
        "proc.name = shell"
    );
    assert_eq!(
        definitions
            .expand("shell and missing")
            .expect_err("undefined"),
        ExpandError::UndefinedMacro {
            name: "missing".to_owned(),
            span: Span::new(10, 17),
            within: None,
        }
    );
    let definitions = Definitions::new(&[("outer", "proc.pid > 1 and inner")], &[]);
    let error = definitions.expand("outer").expect_err("undefined");
    assert_eq!(
        error,
        ExpandError::UndefinedMacro {
            name: "inner".to_owned(),
            span: Span::new(17, 22),
            within: Some("outer".to_owned()),
        }
    );
    assert_eq!(
        error.to_string(),
        "Undefined macro 'inner' used in filter in macro 'outer'."
    );
}

#[test]
fn macro_cycles_name_the_chain() {
    // The chain starts at the repeated macro: `top` is not part of the loop.
    let definitions = Definitions::new(
        &[
            ("top", "a"),
            ("a", "proc.pid > 1 and b"),
            ("b", "not (x.y exists or c)"),
            ("c", "a"),
        ],
        &[],
    );
    let error = definitions.expand("x.y exists or top").expect_err("cycle");
    assert_eq!(
        error,
        ExpandError::MacroCycle {
            chain: ["a", "b", "c", "a"].map(str::to_owned).to_vec(),
            span: Span::new(0, 1),
        }
    );
    let definitions = Definitions::new(&[("self", "proc.pid > 1 or self")], &[]);
    assert_eq!(
        definitions.expand("self").expect_err("cycle"),
        ExpandError::MacroCycle {
            chain: ["self", "self"].map(str::to_owned).to_vec(),
            span: Span::new(16, 20),
        }
    );
    let definitions = Definitions::new(&[("a", "proc.pid > 1 and b"), ("b", "a")], &[]);
    let error = definitions.expand("a").expect_err("cycle");
    assert_eq!(error.to_string(), "reference loop in macro: a -> b -> a");
}

#[test]
fn lists_expand_inside_value_lists_only() {
    let definitions = Definitions::new(
        &[],
        &[
            ("shells", &["bash", "sh", "more_shells"]),
            ("more_shells", &["zsh", "\"fish\"", "ksh93 -x"]),
            ("empty", &[]),
        ],
    );
    assert_eq!(
        definitions.expanded("proc.name in (shells, tcsh, empty, \"shells\")"),
        "proc.name in (bash, sh, zsh, \"fish\", \"ksh93 -x\", tcsh, \"shells\")"
    );
    assert_eq!(
        definitions.expanded("proc.name pmatch (more_shells) and proc.args intersects empty"),
        "proc.name pmatch (zsh, \"fish\", \"ksh93 -x\") and proc.args intersects ()"
    );
    assert_eq!(
        definitions.expanded("proc.name in shells"),
        "proc.name in (bash, sh, zsh, \"fish\", \"ksh93 -x\")"
    );
    // Other operators compare with the name itself.
    assert_eq!(
        definitions.expanded("proc.name = shells"),
        "proc.name = shells"
    );
    assert_eq!(
        definitions.expanded("proc.name in unknown"),
        "proc.name in unknown"
    );
    // Quoted items keep their quotes: a list item `"fish"` is a quoted value.
    let expanded = definitions
        .expand("proc.name in (more_shells)")
        .expect("expands");
    let Operand::List(items) = binary(&expanded).2 else {
        panic!("a list")
    };
    assert_eq!(
        items.iter().map(|item| item.quoted).collect::<Vec<_>>(),
        [false, true, true]
    );
}

#[test]
fn list_cycles_name_the_chain() {
    let definitions = Definitions::new(
        &[("m", "proc.name in (a)")],
        &[("a", &["x", "b"]), ("b", &["c"]), ("c", &["a"])],
    );
    let error = definitions.expand("m").expect_err("cycle");
    assert_eq!(
        error,
        ExpandError::ListCycle {
            chain: vec![
                "a".to_owned(),
                "b".to_owned(),
                "c".to_owned(),
                "a".to_owned()
            ],
            span: Span::new(0, 1),
        }
    );
    assert_eq!(error.to_string(), "list reference loop: a -> b -> c -> a");
}

#[test]
fn expansion_is_bounded() {
    // Each macro uses the next twice: 2^40 nodes if nothing stopped it.
    let names: Vec<String> = (0..=40).map(|index| format!("m{index}")).collect();
    let bodies: Vec<String> = (0..40)
        .map(|index| format!("m{next} and m{next}", next = index + 1))
        .chain(std::iter::once("proc.pid > 1".to_owned()))
        .collect();
    let macros: Vec<(&str, &str)> = names
        .iter()
        .zip(&bodies)
        .map(|(name, body)| (name.as_str(), body.as_str()))
        .collect();
    let definitions = Definitions::new(&macros, &[]);
    assert_eq!(
        definitions.expand("m0").expect_err("too large"),
        ExpandError::TooLarge {
            max: MAX_EXPANDED_NODES
        }
    );
    // A chain of macros deeper than the limit.
    let names: Vec<String> = (0..3000).map(|index| format!("m{index}")).collect();
    let bodies: Vec<String> = (1..3000)
        .map(|index| format!("m{index}"))
        .chain(std::iter::once("proc.pid > 1".to_owned()))
        .collect();
    let macros: Vec<(&str, &str)> = names
        .iter()
        .zip(&bodies)
        .map(|(name, body)| (name.as_str(), body.as_str()))
        .collect();
    let definitions = Definitions::new(&macros, &[]);
    assert!(matches!(
        definitions.expand("m0").expect_err("too deep"),
        ExpandError::TooDeep { .. }
    ));
    // Just under the limit (an and, an or and a reference per macro), the tree expands, prints,
    // clones and drops on a test thread's default stack.
    let count = (MAX_EXPANDED_DEPTH - 2) / 3;
    let names: Vec<String> = (0..count).map(|index| format!("m{index}")).collect();
    let bodies: Vec<String> = (1..=count)
        .map(|index| format!("x.y = {index} and (x.z = {index} or m{index})"))
        .collect();
    let mut macros: Vec<(&str, &str)> = names
        .iter()
        .zip(&bodies)
        .map(|(name, body)| (name.as_str(), body.as_str()))
        .collect();
    let last = format!("m{count}");
    macros.push((&last, "x.y exists"));
    let definitions = Definitions::new(&macros, &[]);
    let expanded = definitions.expand("m0").expect("within the limit");
    // Macro references count towards the limit but leave no level in the tree.
    assert!(depth(&expanded) > 2 * count);
    let printed = expanded.to_string();
    assert_eq!(parsed(&printed).to_string(), printed);
    assert_eq!(expanded.clone(), expanded);
}

/// One official rules file: its conditions and definitions.
struct RulesFile {
    name: String,
    macros: HashMap<String, Expr>,
    lists: HashMap<String, Vec<Literal>>,
    rules: Vec<(String, Expr)>,
    list_items: usize,
    /// Rule and macro items, each with a `condition:`.
    conditions: usize,
}

/// The string under `key` of a rules file item.
fn text<'a>(item: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    item.get(key).and_then(Value::as_str)
}

/// Reads and parses one rules file, collecting every failure into `failures`.
fn load(path: &Path, failures: &mut Vec<String>) -> RulesFile {
    let yaml = fs_err::read_to_string(path).expect("rules file is readable");
    let items: Vec<Map<String, Value>> =
        serde_saphyr::from_str(&yaml).expect("rules file is a sequence of maps");
    let mut file = RulesFile {
        name: path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned(),
        macros: HashMap::new(),
        lists: HashMap::new(),
        rules: Vec::new(),
        list_items: 0,
        conditions: 0,
    };
    for item in &items {
        let condition = text(item, "condition");
        let mut parse_condition = |kind: &str, name: &str| {
            let condition = condition.expect("macros and rules have a condition");
            parse(condition)
                .map_err(|error| failures.push(format!("{}: {kind} {name}: {error}", file.name)))
                .ok()
        };
        if item.contains_key("macro") || item.contains_key("rule") {
            file.conditions += 1;
        }
        if let Some(name) = text(item, "macro") {
            if let Some(expr) = parse_condition("macro", name) {
                file.macros.insert(name.to_owned(), expr);
            }
        } else if let Some(name) = text(item, "rule") {
            if let Some(expr) = parse_condition("rule", name) {
                file.rules.push((name.to_owned(), expr));
            }
        } else if let Some(name) = text(item, "list") {
            let mut literals = Vec::new();
            for value in item
                .get("items")
                .and_then(Value::as_array)
                .expect("list items")
            {
                let item = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                file.list_items += 1;
                match parse_list_item(&item) {
                    Ok(literal) => literals.push(literal),
                    Err(error) => {
                        failures.push(format!("{}: list {name}: {item:?}: {error}", file.name));
                    }
                }
            }
            file.lists.insert(name.to_owned(), literals);
        }
    }
    file
}

/// Every `condition:` of every rule and macro of the four official rules files parses, and
/// every rule expands with the file's macros and lists; names a file borrows from
/// `falco_rules.yaml` (the stable file the others are loaded after) are listed.
#[test]
fn official_rules_files_parse_and_expand() {
    let falco = crate::corpus("falco");
    let paths = [
        falco.join("rules/rules/falco_rules.yaml"),
        falco.join("rules/rules/falco-incubating_rules.yaml"),
        falco.join("rules/rules/falco-sandbox_rules.yaml"),
        falco.join("plugins/k8saudit/rules/k8s_audit_rules.yaml"),
    ];
    let mut failures = Vec::new();
    let files: Vec<RulesFile> = paths.iter().map(|path| load(path, &mut failures)).collect();
    let stable = &files[0];
    let (mut conditions, mut largest, mut deepest) = (0, 0, 0);
    for file in &files {
        let borrowed = RefCell::new(BTreeSet::new());
        let macros = |name: &str| {
            file.macros.get(name).or_else(|| {
                let found = stable.macros.get(name);
                if found.is_some() {
                    borrowed.borrow_mut().insert(format!("macro {name}"));
                }
                found
            })
        };
        let lists = |name: &str| {
            file.lists
                .get(name)
                .or_else(|| {
                    let found = stable.lists.get(name);
                    if found.is_some() {
                        borrowed.borrow_mut().insert(format!("list {name}"));
                    }
                    found
                })
                .map(Vec::as_slice)
        };
        for (rule, condition) in &file.rules {
            match expand(condition, &macros, &lists) {
                Ok(expanded) => {
                    let printed = expanded.to_string();
                    if parse(&printed)
                        .map(|reparsed| reparsed.to_string())
                        .as_ref()
                        != Ok(&printed)
                    {
                        failures.push(format!(
                            "{}: rule {rule}: canonical text does not read back: {printed}",
                            file.name
                        ));
                    }
                    for name in list_names_outside_lists(&expanded, &|name| lists(name).is_some()) {
                        failures.push(format!(
                            "{}: rule {rule}: list {name} compared as a single value",
                            file.name
                        ));
                    }
                    largest = largest.max(node_count(&expanded));
                    deepest = deepest.max(depth(&expanded));
                }
                Err(error) => failures.push(format!("{}: rule {rule}: {error}", file.name)),
            }
        }
        conditions += file.conditions;
        let borrowed = borrowed.into_inner();
        println!(
            "{}: {} rules, {} macros, {} lists ({} items); \
             borrowed from falco_rules.yaml: {borrowed:?}",
            file.name,
            file.rules.len(),
            file.macros.len(),
            file.lists.len(),
            file.list_items,
        );
        if file.name == "falco_rules.yaml" || file.name == "k8s_audit_rules.yaml" {
            assert!(borrowed.is_empty(), "{} borrows {borrowed:?}", file.name);
        }
    }
    println!(
        "{conditions} conditions parsed; the largest expanded rule has {largest} nodes, \
         the deepest {deepest} levels"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 537 items start with `- rule:` or `- macro:`; falco-sandbox_rules.yaml writes one more
    // macro, `recon_binaries_procs`, with its `condition:` key first.
    assert_eq!(conditions, 538);
    assert!(
        largest * 10 < MAX_EXPANDED_NODES,
        "the node limit leaves ample room"
    );
    assert!(
        deepest * 4 < MAX_EXPANDED_DEPTH,
        "the depth limit leaves ample room"
    );
}

/// Expressions and list items in `expr`.
fn node_count(expr: &Expr) -> usize {
    1 + match expr {
        Expr::And(children) | Expr::Or(children) => children.iter().map(node_count).sum(),
        Expr::Not(child) => node_count(child),
        Expr::Binary {
            value: Operand::List(items),
            ..
        } => items.len(),
        Expr::Macro { .. } | Expr::Unary { .. } | Expr::Binary { .. } => 0,
    }
}

/// Levels of `expr`: 1 for a check or a macro reference.
fn depth(expr: &Expr) -> usize {
    1 + match expr {
        Expr::And(children) | Expr::Or(children) => children.iter().map(depth).max().unwrap_or(0),
        Expr::Not(child) => depth(child),
        Expr::Macro { .. } | Expr::Unary { .. } | Expr::Binary { .. } => 0,
    }
}

/// Unquoted values of non-list operators that name a list (`lists` says which names do):
/// Falco's text substitution would paste the list there, custody compares with the name.
fn list_names_outside_lists(expr: &Expr, lists: &dyn Fn(&str) -> bool) -> Vec<String> {
    match expr {
        Expr::And(children) | Expr::Or(children) => children
            .iter()
            .flat_map(|child| list_names_outside_lists(child, lists))
            .collect(),
        Expr::Not(child) => list_names_outside_lists(child, lists),
        Expr::Binary {
            op,
            value: Operand::Single(literal),
            ..
        } if !op.takes_list() && !literal.quoted && lists(&literal.text) => {
            vec![literal.text.clone()]
        }
        Expr::Macro { .. } | Expr::Unary { .. } | Expr::Binary { .. } => Vec::new(),
    }
}
