//! Fuzz target: see `facecurate::fuzzing::decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| facecurate::fuzzing::decode(data));
