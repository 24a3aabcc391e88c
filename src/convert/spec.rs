//! The structure of an OpenCC JSON config.
//!
//! This file is compiled twice: into the library (for configs loaded at run
//! time) and into `build.rs` (for the 16 built-in ones).

use serde_json::Value;

use super::dict::MatchPolicy;

/// A dictionary as a config names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DictSpec {
    /// A text dictionary file, relative to the config's directory.
    Text { file: String, rare_forms: bool },
    /// A group of dictionaries with its match policy.
    Group {
        policy: MatchPolicy,
        dicts: Vec<DictSpec>,
        rare_forms: bool,
    },
}

impl DictSpec {
    /// The dictionary without the members OpenCC marks `may_output_tofu`
    /// (rare forms that many fonts lack), or `None` if it is one itself.
    pub fn without_rare_forms(&self) -> Option<DictSpec> {
        match self {
            DictSpec::Text {
                rare_forms: true, ..
            }
            | DictSpec::Group {
                rare_forms: true, ..
            } => None,
            DictSpec::Text { .. } => Some(self.clone()),
            DictSpec::Group { policy, dicts, .. } => Some(DictSpec::Group {
                policy: *policy,
                dicts: dicts
                    .iter()
                    .filter_map(DictSpec::without_rare_forms)
                    .collect(),
                rare_forms: false,
            }),
        }
    }
}

/// The parts of an OpenCC config that decide its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSpec {
    pub name: String,
    /// Dictionaries applied to the whole text before segmentation.
    pub normalization: Vec<DictSpec>,
    /// The maximum-matching segmentation dictionary, if any.
    pub segmentation: Option<DictSpec>,
    /// The conversion chain, applied segment by segment.
    pub chain: Vec<DictSpec>,
}

impl ConfigSpec {
    /// The config without rare-form dictionaries; a stage left with no
    /// dictionary is dropped, as OpenCC does.
    pub fn without_rare_forms(&self) -> ConfigSpec {
        let keep = |stages: &[DictSpec]| {
            stages
                .iter()
                .filter_map(DictSpec::without_rare_forms)
                .collect()
        };
        ConfigSpec {
            name: self.name.clone(),
            normalization: keep(&self.normalization),
            segmentation: self
                .segmentation
                .as_ref()
                .and_then(DictSpec::without_rare_forms),
            chain: keep(&self.chain),
        }
    }
}

/// Parses an OpenCC JSON config.
pub fn parse_config(json: &str) -> Result<ConfigSpec, String> {
    let root: Value = serde_json::from_str(json).map_err(|e| format!("invalid JSON: {e}"))?;
    let name = root
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let stages = |key: &str| -> Result<Vec<DictSpec>, String> {
        match root.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    let dict = item
                        .get("dict")
                        .ok_or_else(|| format!("an item of \"{key}\" has no \"dict\""))?;
                    parse_dict(dict)
                })
                .collect(),
            Some(_) => Err(format!("\"{key}\" must be a list")),
        }
    };
    let normalization = stages("normalization")?;
    let chain = stages("conversion_chain")?;
    if root.get("conversion_chain").is_none() {
        return Err("the config has no \"conversion_chain\"".to_string());
    }
    let segmentation = match root.get("segmentation") {
        None | Some(Value::Null) => None,
        Some(seg) => {
            let kind = seg.get("type").and_then(Value::as_str).unwrap_or("mmseg");
            if kind != "mmseg" {
                return Err(format!("unsupported segmentation type \"{kind}\""));
            }
            let dict = seg
                .get("dict")
                .ok_or("the segmentation has no \"dict\"".to_string())?;
            Some(parse_dict(dict)?)
        }
    };
    Ok(ConfigSpec {
        name,
        normalization,
        segmentation,
        chain,
    })
}

fn parse_dict(value: &Value) -> Result<DictSpec, String> {
    let rare_forms = match value.get("may_output_tofu") {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err("\"may_output_tofu\" must be true or false".to_string()),
    };
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a dictionary has no \"type\"")?;
    match kind {
        "group" => {
            let policy = match value.get("match_policy").and_then(Value::as_str) {
                None | Some("short_circuit") => MatchPolicy::ShortCircuit,
                Some("union") => MatchPolicy::Union,
                Some(other) => return Err(format!("unknown match_policy \"{other}\"")),
            };
            let dicts = value
                .get("dicts")
                .and_then(Value::as_array)
                .ok_or("a group has no \"dicts\" list")?
                .iter()
                .map(parse_dict)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(DictSpec::Group {
                policy,
                dicts,
                rare_forms,
            })
        }
        "text" | "txt" | "ocd2" | "ocd" => {
            let file = value
                .get("file")
                .and_then(Value::as_str)
                .ok_or("a dictionary has no \"file\"")?;
            // Binary OpenCC dictionaries are compiled from text ones with the
            // same stem; zhfix reads the text form.
            let file = match kind {
                "ocd2" | "ocd" => match file.rsplit_once('.') {
                    Some((stem, _)) => format!("{stem}.txt"),
                    None => format!("{file}.txt"),
                },
                _ => file.to_string(),
            };
            Ok(DictSpec::Text { file, rare_forms })
        }
        other => Err(format!("unknown dictionary type \"{other}\"")),
    }
}
