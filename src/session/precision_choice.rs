//! `precision: auto` picks int8 on a VNNI CPU, but a store whose faces were
//! embedded with the fp32 SFace keeps fp32: switching would re-embed every
//! photo (hours at a million), which a default must not start unasked.
//! Writing `precision: int8` (or `--precision int8`) switches.

use crate::config::{Precision, Workspace};
use crate::models::Manifest;

/// Sets the workspace's resolved precision back to fp32 when `auto` chose
/// int8 but the store holds fp32 vectors of the built-in SFace; returns the
/// line that says so.
pub(super) fn keep_fp32_store(
    ws: &mut Workspace,
    manifest: &Manifest,
    flag: Option<Precision>,
) -> Option<String> {
    let auto_chose_int8 = flag.is_none()
        && ws.precision == Precision::Auto
        && ws.models.precision == Precision::Int8
        && ws.models.embedder == "sface";
    let store = ws.store_path();
    if !auto_chose_int8 || !store.is_file() {
        return None;
    }
    let mut fp32 = ws.clone();
    fp32.models.precision = Precision::Fp32;
    let fingerprint = crate::dataset::workspace_fingerprint(&fp32, manifest).ok()?;
    if !crate::store::holds_fingerprint(&store, &fingerprint) {
        return None;
    }
    ws.models.precision = Precision::Fp32;
    Some(
        "precision auto: this store's faces were embedded with the fp32 SFace, so fp32 stays \
         (`precision: int8` re-embeds them, about 1.4x the photos/s on this CPU)"
            .to_string(),
    )
}
