//! zhfix repairs damaged Chinese text and converts it between Simplified and
//! Traditional Chinese.
//!
//! Conversion reproduces OpenCC 1.4.2 exactly, for all 16 of its configs, with
//! the dictionaries compiled into the binary:
//!
//! ```
//! use zhfix::{Config, Converter};
//!
//! assert_eq!(zhfix::convert("汉字转换", Config::S2t), "漢字轉換");
//!
//! // A converter is cheap to create, clone and share between threads.
//! let tw = Converter::new("s2twp".parse().unwrap());
//! assert_eq!(tw.convert("打印机的内存"), "印表機的記憶體");
//! ```
//!
//! Text that arrives in pieces converts the same as whole text, with memory
//! bounded by the pieces rather than the input:
//!
//! ```
//! use zhfix::{Config, Converter};
//!
//! let converter = Converter::new(Config::T2s);
//! let mut out = Vec::new();
//! converter.convert_stream("頭髮\n乾淨\n".as_bytes(), &mut out).unwrap();
//! assert_eq!(String::from_utf8(out).unwrap(), "头发\n干净\n");
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod bytes;
mod convert;
mod error;
mod normalize;
mod repair;
mod report;
mod score;

pub use bytes::{
    decode, decode_stream, decode_with, DecodeOptions, Decoded, Run, StreamDecoder, Undecodable,
};
pub use convert::{convert, ChunkedConverter, Config, Converter, ConverterBuilder};
pub use encoding_rs;
pub use error::{Error, ErrorKind};
pub use normalize::{
    normalize, normalize_and_explain, CompatIdeographs, Form, Newlines, NormalizeOptions, Punct,
};
pub use repair::{fix_and_explain, fix_bytes, fix_text, Evidence, Fixer};
pub use report::{apply_plan, Damage, Flag, Report, Rule, Step};
pub use score::{Script, ScriptDetection, Standard};

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
