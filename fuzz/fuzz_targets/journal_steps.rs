//! Fuzz target: see `facecurate::fuzzing::journal_steps`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| facecurate::fuzzing::journal_steps(data));
