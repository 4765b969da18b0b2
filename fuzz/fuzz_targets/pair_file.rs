//! Fuzz target: see `facecurate::fuzzing::pair_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| facecurate::fuzzing::pair_file(data));
