//! Fuzz target: see `facecurate::fuzzing::embedder_spec`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| facecurate::fuzzing::embedder_spec(data));
