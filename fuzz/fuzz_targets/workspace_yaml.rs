//! Fuzz target: see `facecurate::fuzzing::workspace_yaml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| facecurate::fuzzing::workspace_yaml(data));
