//! Normalizing arbitrary text never panics, for every option set: the
//! report replays to the output, a second pass changes nothing, and line
//! breaks are kept unless `--newlines lf` is asked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfix::{CompatIdeographs, Form, Newlines, NormalizeOptions, Punct};

fuzz_target!(|data: &[u8]| {
    let Some((&options, text)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    // Byte 0: bits 0-2 the form (0: the profile), 3-4 punctuation, 5 width,
    // 6 space, 7 newlines; the option bits also pick compatibility
    // ideographs and bidi removal.
    let form = [Form::Nfc, Form::Nfd, Form::Nfkc, Form::Nfkd]
        .get(usize::from(options & 7).wrapping_sub(1))
        .copied();
    let options = NormalizeOptions::new()
        .form(form)
        .punct([Punct::Keep, Punct::Fullwidth, Punct::Ascii, Punct::Keep][usize::from(options >> 3 & 3)])
        .width(options & 0x20 != 0)
        .space(options & 0x40 != 0)
        .newlines(if options & 0x80 != 0 { Newlines::Lf } else { Newlines::Keep })
        .compat_ideographs(if options & 0x10 != 0 { CompatIdeographs::Map } else { CompatIdeographs::Keep })
        .remove_bidi(options & 0x08 != 0);
    let (out, report) = zhfix::normalize_and_explain(&text, &options);
    assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), out);
    assert_eq!(zhfix::normalize(&out, &options), out);
    if options == options.newlines(Newlines::Keep) {
        assert_eq!(out.matches('\n').count(), text.matches('\n').count());
    }
});
