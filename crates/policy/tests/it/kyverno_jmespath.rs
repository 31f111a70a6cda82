//! Kyverno's JMESPath functions, one test per family, with the examples of the Kyverno docs
//! (kyverno.io/docs/policy-types/cluster-policy/jmespath, "Custom Filters": each test names
//! its section), a few JMESPath builtins against the JMESPath specification, and the
//! compile check over every expression of the shared Kyverno corpus.

use custody_policy::kyverno::jmespath::{self, JmespathErrorKind};
use custody_policy::kyverno::variables;
use serde_json::{Value, json};

/// Evaluates `expression` against `data`, panicking with the error.
fn eval(expression: &str, data: &Value) -> Value {
    jmespath::search(expression, data).unwrap_or_else(|error| panic!("{expression}: {error}"))
}

/// Evaluates `expression` against an empty object.
fn run(expression: &str) -> Value {
    eval(expression, &json!({}))
}

/// The error kind `expression` fails with.
fn failure(expression: &str) -> JmespathErrorKind {
    match jmespath::search(expression, &json!({})) {
        Ok(value) => panic!("{expression} gave {value}, expected an error"),
        Err(error) => error.kind,
    }
}

/// JMESPath specification, "Built-in Functions" and "Filter Expressions".
#[test]
fn builtins_follow_the_specification() {
    let data = json!({"people": [
        {"name": "b", "age": 30}, {"name": "a", "age": 50}, {"name": "c", "age": 40}
    ]});
    assert_eq!(eval("length(people)", &data), json!(3));
    assert_eq!(eval("max_by(people, &age).name", &data), json!("a"));
    assert_eq!(
        eval("sort_by(people, &age)[*].name", &data),
        json!(["b", "c", "a"])
    );
    assert_eq!(eval("people[?age > `35`].name", &data), json!(["a", "c"]));
    assert_eq!(
        eval("join(', ', sort(people[*].name))", &data),
        json!("a, b, c")
    );
    assert_eq!(eval("missing || 'default'", &data), json!("default"));
    assert_eq!(eval("not_null(missing, `null`, 'x')", &data), json!("x"));
    assert_eq!(run("contains('foobar', 'bar')"), json!(true));
    assert_eq!(run("to_number('1.5')"), json!(1.5));
    assert_eq!(run("keys(`{\"b\": 1, \"a\": 2}`)"), json!(["a", "b"]));
    assert_eq!(eval("people[0].missing", &data), Value::Null);
}

/// "Custom Filters": `compare`, `equal_fold`, `replace`, `replace_all`, `to_upper`,
/// `to_lower`, `trim`, `trim_prefix`, `split`, `truncate`, `to_boolean`, `path_canonicalize`.
#[test]
fn string_functions() {
    assert_eq!(run("compare('a', 'b')"), json!(-1));
    assert_eq!(run("compare('b', 'a')"), json!(1));
    assert_eq!(run("compare('b', 'b')"), json!(0));
    assert_eq!(run("equal_fold('Go', 'GO')"), json!(true));
    assert_eq!(run("equal_fold('Go', 'Goo')"), json!(false));
    assert_eq!(
        run("replace('Lorem ipsum ipsum', 'ipsum', 'muspi', `1`)"),
        json!("Lorem muspi ipsum")
    );
    assert_eq!(
        run("replace('Lorem ipsum ipsum', 'ipsum', 'muspi', `-1`)"),
        json!("Lorem muspi muspi")
    );
    assert_eq!(
        run("replace_all('Lorem ipsum dolor sit amet', ' ', '-')"),
        json!("Lorem-ipsum-dolor-sit-amet")
    );
    assert_eq!(run("to_upper('Hello')"), json!("HELLO"));
    assert_eq!(run("to_lower('HeLLo')"), json!("hello"));
    assert_eq!(
        run("trim('¡¡¡Hello, Gophers!!!', '!¡')"),
        json!("Hello, Gophers")
    );
    assert_eq!(
        run("trim_prefix('docker.io/nginx', 'docker.io/')"),
        json!("nginx")
    );
    assert_eq!(run("trim_prefix('nginx', 'docker.io/')"), json!("nginx"));
    assert_eq!(run("split('a,b,,c', ',')"), json!(["a", "b", "", "c"]));
    assert_eq!(run("truncate('Lorem ipsum', `5`)"), json!("Lorem"));
    assert_eq!(run("truncate('Lorem', `10`)"), json!("Lorem"));
    assert_eq!(run("to_boolean('TruE')"), json!(true));
    assert_eq!(run("to_boolean('faLSE')"), json!(false));
    assert!(matches!(
        failure("to_boolean('yes')"),
        JmespathErrorKind::Evaluation { .. }
    ));
    assert_eq!(
        run("path_canonicalize('/var//lib/./kubelet/../pods')"),
        json!("/var/lib/pods")
    );
}

/// "Custom Filters": `regex_match`, `regex_replace_all`, `regex_replace_all_literal`,
/// `pattern_match`, `label_match`.
#[test]
fn matching_functions() {
    assert_eq!(run("regex_match('^[0-9]+$', '12345')"), json!(true));
    assert_eq!(run("regex_match('^[0-9]+$', 'v1')"), json!(false));
    // Numbers are matched as their text.
    assert_eq!(run("regex_match('^\\d+$', `123`)"), json!(true));
    // Go's ReplaceAll expands `${1}`; `$1W` names a group `1W` that does not exist.
    assert_eq!(
        run("regex_replace_all('a(x*)b', '-ab-axxb-', '${1}W')"),
        json!("-W-xxW-")
    );
    assert_eq!(
        run("regex_replace_all('a(x*)b', '-ab-axxb-', '$1W')"),
        json!("---")
    );
    assert_eq!(
        run("regex_replace_all_literal('a(x*)b', '-ab-axxb-', '${1}')"),
        json!("-${1}-${1}-")
    );
    assert!(matches!(
        failure("regex_match('(', 'x')"),
        JmespathErrorKind::Evaluation { .. }
    ));
    assert_eq!(run("pattern_match('prefix-*', 'prefix-foo')"), json!(true));
    assert_eq!(run("pattern_match('v?', `1`)"), json!(false));
    assert_eq!(run("pattern_match('1?', `12`)"), json!(true));
    assert_eq!(
        eval(
            "label_match(selector, labels)",
            &json!({"selector": {"app": "web"}, "labels": {"app": "web", "tier": "front"}})
        ),
        json!(true)
    );
    assert_eq!(
        eval(
            "label_match(selector, labels)",
            &json!({"selector": {"app": "web", "env": "prod"}, "labels": {"app": "web"}})
        ),
        json!(false)
    );
}

/// "Custom Filters": `add`, `subtract`, `multiply`, `divide`, `modulo`, `round`, `sum` — numbers,
/// quantities and durations, with the operand rules of kyverno `arithmetic.go`.
#[test]
fn arithmetic_functions() {
    assert_eq!(run("add(`12`, `13`)"), json!(25));
    assert_eq!(run("add('1Gi', '512Mi')"), json!("1536Mi"));
    assert_eq!(run("add('500m', '1')"), json!("1500m"));
    assert_eq!(run("add('1h', '30s')"), json!("1h0m30s"));
    assert_eq!(run("subtract('2Gi', '512Mi')"), json!("1536Mi"));
    assert_eq!(run("subtract(`10`, `12.5`)"), json!(-2.5));
    assert_eq!(run("subtract('1h', '90s')"), json!("58m30s"));
    assert_eq!(run("multiply('250m', `4`)"), json!("1"));
    assert_eq!(run("multiply(`3`, '1Gi')"), json!("3Gi"));
    assert_eq!(run("multiply('1h', `1.5`)"), json!("1h30m0s"));
    assert_eq!(run("divide(`10`, `4`)"), json!(2.5));
    assert_eq!(run("divide('2Gi', '512Mi')"), json!(4));
    assert_eq!(run("divide('1h', '30s')"), json!(120));
    assert_eq!(run("divide('1h', `4`)"), json!("15m0s"));
    assert_eq!(run("divide('3Gi', `3`)"), json!("1Gi"));
    assert_eq!(run("modulo(`10`, `3`)"), json!(1));
    assert_eq!(run("modulo('10Gi', '3Gi')"), json!("1Gi"));
    assert_eq!(run("modulo('1h', '7m0s')"), json!("4m0s"));
    assert_eq!(run("round(`12.34567`, `2`)"), json!(12.35));
    assert_eq!(run("round(`2.5`, `0`)"), json!(3));
    assert_eq!(run("sum([`1`, `2`, `3`])"), json!(6));
    assert_eq!(run("sum(['1Gi', '512Mi', '512Mi'])"), json!("2Gi"));
    // `'30m'` reads as 30 milli-units (a quantity) before it could read as a duration, so
    // it does not mix with `'2h'`: Kyverno answers "types mismatch" too.
    assert!(matches!(
        failure("divide('2h', '30m')"),
        JmespathErrorKind::Evaluation { .. }
    ));
    for expression in [
        "divide(`1`, `0`)",
        "modulo(`1.5`, `1`)",
        "add('1Gi', `1`)",
        "add('nonsense', `1`)",
        "sum(`[]`)",
        "round(`1.5`, `-1`)",
    ] {
        assert!(
            matches!(failure(expression), JmespathErrorKind::Evaluation { .. }),
            "{expression}"
        );
    }
}

/// "Custom Filters": `time_add`, `time_after`, `time_before`, `time_between`, `time_diff`,
/// `time_parse`, `time_since`, `time_to_cron`, `time_truncate`, `time_utc`, `time_now`,
/// `time_now_utc`.
#[test]
fn time_functions() {
    assert_eq!(
        run("time_add('2021-01-02T15:04:05Z', '3h')"),
        json!("2021-01-02T18:04:05Z")
    );
    assert_eq!(
        run("time_add('2021-01-02T15:04:05+01:00', '-30m')"),
        json!("2021-01-02T14:34:05+01:00")
    );
    assert_eq!(
        run("time_after('2023-01-12T14:07:25Z', '2023-01-12T14:07:24Z')"),
        json!(true)
    );
    assert_eq!(
        run("time_before('2023-01-12T14:07:25Z', '2023-01-12T14:07:24Z')"),
        json!(false)
    );
    assert_eq!(
        run("time_between('2023-01-12T14:00:00Z', '2023-01-12T13:00:00Z', '2023-01-12T15:00:00Z')"),
        json!(true)
    );
    assert_eq!(
        run("time_diff('2021-01-01T00:00:00Z', '2021-01-01T01:30:00Z')"),
        json!("1h30m0s")
    );
    assert_eq!(
        run("time_parse('2006-01-02T15:04:05Z07:00', '2021-01-02T15:04:05-07:00')"),
        json!("2021-01-02T15:04:05-07:00")
    );
    assert_eq!(
        run("time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Sat Dec 16 2023 01:46:11 +0000')"),
        json!("2023-12-16T01:46:11Z")
    );
    assert_eq!(
        run("time_parse('1702691171', '1702691171')"),
        json!("2023-12-16T01:46:11Z")
    );
    assert_eq!(
        run("time_since('', '2021-01-02T15:04:05Z', '2021-01-02T18:04:05Z')"),
        json!("3h0m0s")
    );
    // 2023-02-02 is a Thursday (4).
    assert_eq!(
        run("time_to_cron('2023-02-02T15:04:05Z')"),
        json!("4 15 2 2 4")
    );
    assert_eq!(
        run("time_truncate('2023-02-02T15:04:05Z', '1h')"),
        json!("2023-02-02T15:00:00Z")
    );
    assert_eq!(
        run("time_utc('2021-01-02T18:04:05+05:30')"),
        json!("2021-01-02T12:34:05Z")
    );
    for expression in ["time_now()", "time_now_utc()"] {
        let now = run(expression);
        let now = now.as_str().expect("time_now gives a string");
        assert!(now.ends_with('Z') && now.len() == 20, "{now}");
    }
    assert!(matches!(
        failure("time_add('yesterday', '1h')"),
        JmespathErrorKind::Evaluation { .. }
    ));
}

/// "Custom Filters": `base64_decode`, `base64_encode`, `parse_json`, `parse_yaml`, `md5`.
#[test]
fn encoding_functions() {
    assert_eq!(
        run("base64_decode('SGVsbG8sIHdvcmxk')"),
        json!("Hello, world")
    );
    assert_eq!(
        run("base64_encode('Hello, world')"),
        json!("SGVsbG8sIHdvcmxk")
    );
    assert!(matches!(
        failure("base64_decode('%%%')"),
        JmespathErrorKind::Evaluation { .. }
    ));
    assert_eq!(run("parse_json('{\"a\": [1, \"b\"]}').a"), json!([1, "b"]));
    assert_eq!(
        eval("parse_yaml(text)", &json!({"text": "a: 1\nb:\n  - x\n"})),
        json!({"a": 1, "b": ["x"]})
    );
    assert_eq!(
        run("md5('hello')"),
        json!("5d41402abc4b2a76b9719d911017c592")
    );
}

/// "Custom Filters": `lookup`, `items`, `object_from_lists`, `semver_compare`,
/// `image_normalize`, `random`.
#[test]
fn collection_and_misc_functions() {
    let data = json!({"object": {"b": 2, "a": 1}, "array": ["x", "y"]});
    assert_eq!(eval("lookup(object, 'a')", &data), json!(1));
    assert_eq!(eval("lookup(object, 'z')", &data), Value::Null);
    assert_eq!(eval("lookup(array, `1`)", &data), json!("y"));
    assert_eq!(eval("lookup(array, `5`)", &data), Value::Null);
    assert_eq!(
        eval("items(object, 'key', 'value')", &data),
        json!([{"key": "a", "value": 1}, {"key": "b", "value": 2}])
    );
    assert_eq!(
        eval("items(array, 'index', 'item')", &data),
        json!([{"index": 0, "item": "x"}, {"index": 1, "item": "y"}])
    );
    assert_eq!(
        run("object_from_lists(['a', 'b'], [`1`])"),
        json!({"a": 1, "b": null})
    );
    assert_eq!(run("semver_compare('4.1.3', '>=4.1.0')"), json!(true));
    assert_eq!(
        run("semver_compare('4.1.3', '<4.1.0 || >4.2.0')"),
        json!(false)
    );
    assert_eq!(run("semver_compare('1.0.0-rc.1', '<1.0.0')"), json!(true));
    assert_eq!(run("semver_compare('1.2.3', '1.2.3')"), json!(true));
    assert_eq!(
        run("image_normalize('nginx')"),
        json!("docker.io/library/nginx:latest")
    );
    assert_eq!(
        run("image_normalize('ghcr.io/kyverno/kyverno:v1.12.0')"),
        json!("ghcr.io/kyverno/kyverno:v1.12.0")
    );
    let random = run("random('[a-z0-9]{12}')");
    let random = random.as_str().expect("random gives a string");
    assert!(
        random.len() == 12
            && random
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{random}"
    );
}

/// A self-signed RSA certificate and a CSR made with `openssl req` for these tests; the
/// expected values below are what `openssl x509 -noout -text -modulus` prints for them.
const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----\nMIICtjCCAh+gAwIBAgICEjQwDQYJKoZIhvcNAQELBQAwTzELMAkGA1UEBhMCVVMx\nFTATBgNVBAoMDEN1c3RvZHkgVGVzdDEPMA0GA1UECwwGUG9saWN5MRgwFgYDVQQD\nDA9reXZlcm5vLmV4YW1wbGUwHhcNMjYxMTI3MDk1OTQ3WhcNMzYxMTI0MDk1OTQ3\nWjBPMQswCQYDVQQGEwJVUzEVMBMGA1UECgwMQ3VzdG9keSBUZXN0MQ8wDQYDVQQL\nDAZQb2xpY3kxGDAWBgNVBAMMD2t5dmVybm8uZXhhbXBsZTCBnzANBgkqhkiG9w0B\nAQEFAAOBjQAwgYkCgYEAsy+8tuUCPMDkvnomOTTCp+13c+cRfzK5Fvi2swkvEm1a\nMkI9qlDs3OImF+T+SIh99bHW/dNa2MAtv2aKbzmYbg2oRa/mU6JZglbp3fbwFFth\nP5fvPOZMa4yZQPOb1VtTZzY3C3MTeSTXbNCq9PpCbAS3JmI/MNo58/AwvEuiP5kC\nAwEAAaOBoDCBnTAdBgNVHQ4EFgQUp875MxbiF8jMGK913ngqiiqKJ6MwHwYDVR0j\nBBgwFoAUp875MxbiF8jMGK913ngqiiqKJ6MwSgYDVR0RBEMwQYIPa3l2ZXJuby5l\neGFtcGxlghN3d3cua3l2ZXJuby5leGFtcGxlhwQKAAABgRNvcHNAa3l2ZXJuby5l\neGFtcGxlMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADgYEARQzvV407\ne4kBtQWps+giBdE9iM/Duz5udNrebnSOQ1y7yx/yxdaz0hxRGyYLPjuaUkuFeyIS\n3SJcIqeen18FmFkmmVbYtT/W9FTCQoKb5T0iUJYO4MeqsHJMLJ3dHx8a5jQ6ELE3\nSHhsZwrCuc2QxK6Mw0pH7fu8QKQVOoHQV5w=\n-----END CERTIFICATE-----";
const CERTIFICATE_REQUEST: &str = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBdTCB3wIBADA2MRUwEwYDVQQKDAxzeXN0ZW06bm9kZXMxHTAbBgNVBAMMFHN5\nc3RlbTpub2RlOndvcmtlci0xMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCz\nL7y25QI8wOS+eiY5NMKn7Xdz5xF/MrkW+LazCS8SbVoyQj2qUOzc4iYX5P5IiH31\nsdb901rYwC2/ZopvOZhuDahFr+ZTolmCVund9vAUW2E/l+885kxrjJlA85vVW1Nn\nNjcLcxN5JNds0Kr0+kJsBLcmYj8w2jnz8DC8S6I/mQIDAQABoAAwDQYJKoZIhvcN\nAQELBQADgYEAi5HWohSM/L8RV4sdg0ry27MGP91eTuWw4I/ka0pOmfGM9GG25E/B\n5bRqsJQiXUe0WorqIMXAGyeGQV44mmw6ODekv4fLCtjPAdKNAF63PDiUT+O3CIum\nP2GohN+F1NWc0pIAPoI0jqKmDqiEm2z9qS/GEQmSlQtEleJWPvKHld4=\n-----END CERTIFICATE REQUEST-----";

/// "Custom Filters": `x509_decode`, on a certificate and on a certificate request (the
/// corpus's other/inspect-csr reads `.Subject` of a CSR).
#[test]
fn x509_functions() {
    let data = json!({"certificate": CERTIFICATE, "request": CERTIFICATE_REQUEST});
    let certificate = eval("x509_decode(certificate)", &data);
    assert_eq!(
        certificate["Subject"]["CommonName"],
        json!("kyverno.example")
    );
    assert_eq!(
        certificate["Subject"]["Organization"],
        json!(["Custody Test"])
    );
    assert_eq!(
        certificate["Subject"]["OrganizationalUnit"],
        json!(["Policy"])
    );
    assert_eq!(certificate["Subject"]["Country"], json!(["US"]));
    assert_eq!(
        certificate["Issuer"]["CommonName"],
        json!("kyverno.example")
    );
    assert_eq!(certificate["SerialNumber"], json!(4660));
    assert_eq!(certificate["Version"], json!(3));
    assert_eq!(certificate["SignatureAlgorithm"], json!(4), "SHA256WithRSA");
    assert_eq!(certificate["NotBefore"], json!("2026-11-27T09:59:47Z"));
    assert_eq!(certificate["NotAfter"], json!("2036-11-24T09:59:47Z"));
    assert_eq!(certificate["IsCA"], json!(true));
    assert_eq!(
        certificate["DNSNames"],
        json!(["kyverno.example", "www.kyverno.example"])
    );
    assert_eq!(certificate["IPAddresses"], json!(["10.0.0.1"]));
    assert_eq!(
        certificate["EmailAddresses"],
        json!(["ops@kyverno.example"])
    );
    assert_eq!(certificate["PublicKey"]["E"], json!(65537));
    assert_eq!(
        certificate["PublicKey"]["N"],
        json!(
            "125829020671198415635850788430747860000159068023185373927365761640392915081555923876492425155338366749878285606480334886495357290723557627891655743060354873148319074216715576986365421944304525291974337379136757203958871002916387442140556963925730279501074410913232742330878582006087351655273992693274669891481"
        )
    );
    let request = eval(
        "x509_decode(base64_decode(base64_encode(request))).Subject",
        &data,
    );
    assert_eq!(request["CommonName"], json!("system:node:worker-1"));
    assert_eq!(request["Organization"], json!(["system:nodes"]));
    assert!(matches!(
        failure("x509_decode('not a certificate')"),
        JmespathErrorKind::Evaluation { .. }
    ));
}

/// Unknown functions, wrong arities and wrong argument types are reported by kind, and the
/// first two already when compiling.
#[test]
fn errors_name_their_cause() {
    assert!(matches!(
        jmespath::compile("no_such_function(@)").map_err(|error| error.kind),
        Err(JmespathErrorKind::UnknownFunction { name }) if name == "no_such_function"
    ));
    assert!(matches!(
        jmespath::compile("to_upper('a', 'b')").map_err(|error| error.kind),
        Err(JmespathErrorKind::Arity { actual: 2, .. })
    ));
    assert!(matches!(
        jmespath::compile("length(@, @)").map_err(|error| error.kind),
        Err(JmespathErrorKind::Arity { actual: 2, .. })
    ));
    assert!(matches!(
        jmespath::compile("foo[").map_err(|error| error.kind),
        Err(JmespathErrorKind::Syntax { .. })
    ));
    assert!(matches!(
        failure("to_upper(`1`)"),
        JmespathErrorKind::Evaluation { .. }
    ));
    assert!(jmespath::compile("merge(`{}`, `{}`, `{}`)").is_ok());
}

/// Every `{{ ... }}` of every policy in the classic Kyverno folders compiles: known function
/// names, valid arities, valid syntax.
#[test]
fn corpus_expressions_compile() {
    let corpus = crate::corpus("kyverno");
    let mut files = Vec::new();
    for folder in ["best-practices", "other", "pod-security"] {
        crate::collect_yaml(&corpus.join(folder), &mut files);
    }
    // Policies only: the hidden `.kyverno-test`/`.chainsaw-test` folders hold resources.
    files.retain(|path| {
        path.strip_prefix(&corpus).is_ok_and(|relative| {
            !relative
                .components()
                .any(|part| part.as_os_str().to_string_lossy().starts_with('.'))
        })
    });
    assert!(
        !files.is_empty(),
        "no policy files under {}",
        corpus.display()
    );
    let mut expressions = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = fs_err::read_to_string(file).expect("policy is readable");
        let documents: Vec<Value> = match serde_saphyr::from_str_multiple(&text) {
            Ok(documents) => documents,
            Err(error) => {
                failures.push(format!("{}: YAML: {error}", file.display()));
                continue;
            }
        };
        for document in &documents {
            match variables::check(document) {
                Ok(count) => expressions += count,
                Err(error) => failures.push(format!(
                    "{}: {error}: {}",
                    file.display(),
                    std::error::Error::source(&error)
                        .map(ToString::to_string)
                        .unwrap_or_default()
                )),
            }
        }
    }
    println!(
        "{expressions} expressions compiled from {} policy files, {} failures",
        files.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(expressions > 0, "no expressions found in the corpus");
}

/// Expressions whose operator chains would nest the parse tree deeper than the stack allows
/// are refused before parsing, also when they arrive through a substituted resource field
/// (a label holding `{{ !!!…x }}` echoed by a policy message).
#[test]
fn operator_chains_are_bounded() {
    let deep = format!("{}kind", "!".repeat(16_000));
    let error = jmespath::search(&deep, &json!({"kind": "Pod"})).expect_err("too deep");
    assert!(
        matches!(
            error.kind,
            JmespathErrorKind::TooLarge {
                what: "operators",
                ..
            }
        ),
        "{error:?}"
    );
    let chained = vec!["a"; 2_000].join(".");
    assert!(jmespath::search(&chained, &json!({})).is_err());
    let context = json!({"request": {"object": {"metadata": {"labels": {"x": format!("{{{{ {deep} }}}}")}}}}});
    let echoed = json!("{{ request.object.metadata.labels.x }}");
    // Returning at all is the point: the echoed expression is refused, not evaluated.
    let substituted = variables::substitute(&echoed, &context);
    assert!(substituted.as_ref().is_err() || substituted.as_ref().is_ok_and(Value::is_string));
}
