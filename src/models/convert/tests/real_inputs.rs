//! The real models: with FACECURATE_CONVERT_INPUTS naming a folder that holds
//! the wheel members named in models/manifest.json (file names only), each
//! round-trips through the messages unchanged and converts to the pinned
//! sha256. Skipped, with a note, when the variable is unset: the inputs come
//! from wheels this test does not download.

use std::path::PathBuf;
use std::time::Instant;

use prost::Message;
use sha2::{Digest, Sha256};

use super::super::convert;
use super::super::proto::ModelProto;
use crate::models::Manifest;

const VAR: &str = "FACECURATE_CONVERT_INPUTS";

/// The input file for `kind` and the artifact's pinned input and output sha256.
fn input(kind: &str) -> Option<(Vec<u8>, String, String)> {
    let Some(dir) = std::env::var_os(VAR) else {
        eprintln!("{kind}: {VAR} is not set; skipping the real-model check");
        return None;
    };
    let manifest = Manifest::builtin().expect("manifest parses");
    let art = manifest
        .artifacts
        .iter()
        .find(|a| a.convert.as_deref() == Some(kind))
        .expect(kind);
    let file = art.member.rsplit('/').next().unwrap_or(&art.member);
    let path = PathBuf::from(dir).join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let member = art.member_sha256.clone().expect("member_sha256");
    Some((bytes, member, art.sha256.clone()))
}

fn sha256(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn check(kind: &str) {
    let Some((bytes, member_sha, want)) = input(kind) else {
        return;
    };
    assert_eq!(
        sha256(&bytes),
        member_sha,
        "{kind}: not the pinned wheel member"
    );
    // Coverage and field order: the unmodified file encodes back to itself.
    let model = ModelProto::decode(bytes.as_slice()).expect("decodes");
    assert!(
        model.encode_to_vec() == bytes,
        "{kind}: decode + encode changed the bytes"
    );
    let start = Instant::now();
    let out = convert(kind, &bytes).expect("converts");
    let (elapsed, got) = (start.elapsed(), sha256(&out));
    eprintln!(
        "{kind}: converted in {elapsed:?}, {} bytes, sha256 {got}",
        out.len()
    );
    assert_eq!(got, want, "{kind}: output differs from convert.py's");
}

#[test]
fn sface_matches_the_pinned_output() {
    check("sface");
}

#[test]
fn sface_int8_matches_the_pinned_output() {
    check("sface_int8");
}

#[test]
fn yunet_matches_the_pinned_output() {
    check("yunet");
}
