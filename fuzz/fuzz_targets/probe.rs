//! `planfacts probe TEXT` on any text: no panic, values finite, columns inside.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let p = planfacts::probe::probe(text);
    let chars = text.chars().count() as u32;
    for d in &p.dates {
        assert!(d.col <= chars, "{d:?}");
    }
    for q in &p.quantities {
        assert!(q.value.is_finite() && q.col <= chars, "{q:?}");
    }
});
