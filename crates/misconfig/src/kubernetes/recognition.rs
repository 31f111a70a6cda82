//! Telling Kubernetes manifests from the other YAML and JSON files of a tree, by content.
//!
//! [`is_kubernetes_manifest`] is called for every `.yaml`, `.yml` and `.json` file of a source
//! tree or image, so it reads only a prefix and does no parsing: a line scan for top-level
//! `apiVersion:` and `kind:` keys (or their quoted JSON form), and a refusal of unrendered Helm
//! templates, whose `{{ .Values... }}` would only produce parse problems.

/// How much of the file is examined: headers (licence comments, `# Source:` lines) and the
/// first object's `apiVersion`/`kind` fit in far less.
const PREFIX_BYTES: usize = 64 * 1024;

/// What unrendered Helm templates use and rendered manifests never hold: the template actions
/// that read Helm's built-in objects or named templates. Plain `{{` is not enough, because
/// rendered manifests carry Prometheus and Alertmanager templates (`{{ $labels.instance }}`)
/// in quoted strings.
const HELM_ACTIONS: [&str; 8] = [
    ".Values",
    ".Release",
    ".Chart",
    ".Capabilities",
    ".Files",
    ".Template",
    "include \"",
    "toYaml",
];

/// Whether the file at `path` (target-relative, `/`-separated) is a Kubernetes manifest,
/// judging by its first bytes.
///
/// The name must end in `.yaml`, `.yml` or `.json` (any case): kubectl reads only these
/// extensions from a directory, so extensionless files are not taken. The content must hold,
/// in its first 64 KiB, top-level `apiVersion:` and `kind:` keys at the start of a line (YAML)
/// or an object opening with `{` that holds `"apiVersion"` and `"kind"` (JSON). Helm chart
/// templates that are not rendered yet (`{{ .Values.x }}`, `{{ include "..." }}`) are refused;
/// `helm template` output is taken. `first_bytes` may be any prefix of the file, ideally at
/// least 8 KiB.
///
/// ```
/// use custody_misconfig::is_kubernetes_manifest;
///
/// assert!(is_kubernetes_manifest("deploy/web.yaml", b"apiVersion: apps/v1\nkind: Deployment\n"));
/// assert!(!is_kubernetes_manifest("package.json", br#"{"name": "web", "version": "1.0.0"}"#));
/// assert!(!is_kubernetes_manifest(
///     "chart/templates/web.yaml",
///     b"apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
/// ));
/// ```
pub fn is_kubernetes_manifest(path: &str, first_bytes: &[u8]) -> bool {
    has_manifest_extension(path) && looks_like_manifest(first_bytes)
}

fn has_manifest_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && ["yaml", "yml", "json"]
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
    })
}

fn looks_like_manifest(first_bytes: &[u8]) -> bool {
    let prefix = first_bytes.get(..PREFIX_BYTES).unwrap_or(first_bytes);
    // A multi-byte character cut at the end of the prefix must not hide the rest.
    let text = String::from_utf8_lossy(prefix);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if is_helm_template(text) {
        return false;
    }
    if text.trim_start().starts_with('{') {
        return text.contains("\"apiVersion\"") && text.contains("\"kind\"");
    }
    let mut api_version = false;
    let mut kind = false;
    for line in text.lines() {
        api_version |= is_top_level_key(line, "apiVersion");
        kind |= is_top_level_key(line, "kind");
        if api_version && kind {
            return true;
        }
    }
    false
}

/// `key:` at column 0 followed by a space, a tab or the end of the line.
fn is_top_level_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

fn is_helm_template(text: &str) -> bool {
    text.match_indices("{{").any(|(start, _)| {
        let action = text.get(start + 2..).unwrap_or_default();
        let action = action.trim_start_matches('-').trim_start();
        let action = action
            .get(..action.find("}}").unwrap_or(action.len()))
            .unwrap_or(action);
        HELM_ACTIONS.iter().any(|marker| action.contains(marker))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_compared_case_insensitively() {
        let text = b"apiVersion: v1\nkind: Pod\n";
        for path in ["a.yaml", "dir/a.YML", "x/y/pod.Json"] {
            assert!(is_kubernetes_manifest(path, text), "{path}");
        }
        for path in ["pod", "pod.txt", ".yaml", "dir/.yml"] {
            assert!(!is_kubernetes_manifest(path, text), "{path}");
        }
    }

    #[test]
    fn keys_must_be_top_level() {
        assert!(!looks_like_manifest(
            b"spec:\n  apiVersion: v1\n  kind: Pod\n"
        ));
        assert!(!looks_like_manifest(
            b"apiVersion: v2\nname: chart\ntype: application\n"
        ));
        assert!(!looks_like_manifest(b"apiVersionX: v1\nkind: Pod\n"));
        assert!(looks_like_manifest(
            b"\xef\xbb\xbf# c\n---\napiVersion: v1\r\nkind: Pod\r\n"
        ));
    }

    #[test]
    fn helm_actions_are_recognised_inside_braces_only() {
        assert!(is_helm_template("name: {{- include \"x.name\" . }}"));
        assert!(is_helm_template("{{ if .Values.enabled }}"));
        assert!(!is_helm_template(
            "summary: \"{{ $labels.instance }} is down\""
        ));
        assert!(!is_helm_template("note: .Values are {{ not here }}"));
    }
}
