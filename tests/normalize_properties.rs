//! Properties of normalization over generated text, for every option set:
//! normalizing twice gives what normalizing once does, the report replays
//! to the output, and line breaks are kept unless asked otherwise.

use proptest::prelude::*;
use zhfix::{CompatIdeographs, Form, Newlines, NormalizeOptions, Punct};

/// Every combination of the options (the form or the profile with either
/// choice for compatibility ideographs, times the rules on top).
fn options() -> impl Strategy<Value = NormalizeOptions> {
    let forms = prop_oneof![
        Just(None),
        Just(Some(Form::Nfc)),
        Just(Some(Form::Nfd)),
        Just(Some(Form::Nfkc)),
        Just(Some(Form::Nfkd)),
    ];
    let punct = prop_oneof![
        Just(Punct::Keep),
        Just(Punct::Fullwidth),
        Just(Punct::Ascii)
    ];
    (forms, any::<[bool; 5]>(), punct).prop_map(|(form, flags, punct)| {
        NormalizeOptions::new()
            .form(form)
            .compat_ideographs(match flags[0] {
                true => CompatIdeographs::Map,
                false => CompatIdeographs::Keep,
            })
            .width(flags[1])
            .space(flags[2])
            .newlines(match flags[3] {
                true => Newlines::Lf,
                false => Newlines::Keep,
            })
            .remove_bidi(flags[4])
            .punct(punct)
    })
}

/// Text made of the characters the rules are about, mixed with Han, kana,
/// Hangul, Latin and digits.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "中",
        "文",
        "濱州",
        "の",
        "カ",
        "한",
        "e",
        "A",
        "x",
        "3",
        "0",
        " ",
        "  ",
        "\u{3000}",
        "\u{A0}",
        "\n",
        "\r\n",
        "\r",
        "\t",
        ",",
        ":",
        ";",
        "!",
        "?",
        "(",
        ")",
        "，",
        "（",
        "）",
        "。",
        "、",
        "“",
        "”",
        "「",
        "\u{301}",
        "\u{308}",
        "\u{323}",
        "\u{338}",
        "<",
        "=",
        "\u{3099}",
        "\u{309A}",
        "ｶ",
        "ﾞ",
        "ﾟ",
        "ｰ",
        "｡",
        "\u{37E}",
        "\u{2329}",
        "\u{212A}",
        "\u{1FEF}",
        "Y\u{309}",
        "Ａ",
        "１",
        "＜",
        "\u{F900}",
        "\u{2F800}",
        "⼈",
        "⺠",
        "⼝",
        "\u{200B}",
        "\u{AD}",
        "\u{FEFF}",
        "\u{2060}",
        "\u{1}",
        "\u{7F}",
        "\u{85}",
        "\u{1B}",
        "\u{1B}[31m",
        "\u{1B}]0;t\u{7}",
        "[",
        "\u{202E}",
        "\u{200F}",
        "\u{1100}",
        "\u{1161}",
        "\u{11A8}",
        "가",
        "\u{16D63}",
        "\u{16D67}",
        "\u{16D68}",
        "https://",
        "`",
        "ǅ",
        "ﬁ",
        "¨",
        "\u{2003}",
        "︒",
        "﹐",
        "｡",
        "①",
        "㍿",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalizing_twice_changes_nothing_more(text in text(), options in options()) {
        let once = zhfix::normalize(&text, &options);
        let twice = zhfix::normalize(&once, &options);
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn the_report_replays_and_lines_are_kept(text in text(), options in options()) {
        let (out, report) = zhfix::normalize_and_explain(&text, &options);
        prop_assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), out.clone());
        // Without the report, the same text (made without steps).
        prop_assert_eq!(zhfix::normalize(&text, &options), out.clone());
        let chars = text.chars().count();
        for step in &report.steps {
            prop_assert!(step.start <= step.end && step.end <= chars, "{:?}", step);
        }
        if options == options.newlines(Newlines::Keep) {
            prop_assert_eq!(out.matches('\n').count(), text.matches('\n').count());
        }
    }

    #[test]
    fn fix_then_normalize_replays(text in text(), punct in any::<bool>()) {
        let options = NormalizeOptions::new().punct(if punct { Punct::Fullwidth } else { Punct::Keep });
        let fixer = zhfix::Fixer::new().normalize(options);
        let (out, report) = fixer.fix_and_explain(&text);
        prop_assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), out.clone());
        prop_assert_eq!(fixer.fix_text(&text), out);
    }
}
