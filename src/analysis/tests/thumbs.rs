//! Thumbs on demand: an analysis of records without thumbs that reads them
//! from a source must report what one given every thumb reports, reading
//! only the faces of pairs its memo does not know.

use super::fixtures::{settings, with_near_copy};
use crate::analysis::state::Analysis;
use crate::analysis::thumb_source::{Remembered, ThumbSource};
use crate::records::PhotoRecord;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The faces a source was asked for.
type Asked = Arc<Mutex<Vec<(String, usize)>>>;

/// Thumbs by (hash, face), counting what it was asked for.
struct Source {
    thumbs: HashMap<(String, usize), Vec<u8>>,
    asked: Asked,
}

impl ThumbSource for Source {
    fn thumbs(&self, faces: &[(String, usize)]) -> Result<Vec<Option<Vec<u8>>>, String> {
        self.asked
            .lock()
            .map_err(|e| e.to_string())?
            .extend_from_slice(faces);
        Ok(faces.iter().map(|k| self.thumbs.get(k).cloned()).collect())
    }
    fn has_thumb(&self, hash: &str, face: usize) -> bool {
        self.thumbs.contains_key(&(hash.to_string(), face))
    }
}

/// The records without thumbs, and a source holding them.
fn split(records: &[PhotoRecord]) -> (Vec<PhotoRecord>, Source, Asked) {
    let mut thumbs = HashMap::new();
    let mut lean = records.to_vec();
    for r in &mut lean {
        for (i, f) in r.faces.iter_mut().enumerate() {
            thumbs.insert((r.hash.clone(), i), std::mem::take(&mut f.thumb));
        }
    }
    let asked = Arc::new(Mutex::new(Vec::new()));
    let source = Source {
        thumbs,
        asked: asked.clone(),
    };
    (lean, source, asked)
}

fn json(a: &Analysis) -> String {
    serde_json::to_string(&a.report()).expect("a report serialises")
}

#[test]
fn thumbs_read_on_demand_give_the_report_of_records_holding_them() {
    let records = with_near_copy();
    let whole = Analysis::new(records.clone(), settings());
    let (lean, source, asked) = split(&records);
    let remembered = Remembered {
        thumbs: Some(Box::new(source)),
        ..Remembered::default()
    };
    let cold = Analysis::remembering(lean.clone(), settings(), remembered);
    assert_eq!(json(&cold), json(&whole));
    let asked_cold = asked.lock().expect("not poisoned").len();
    assert!(asked_cold > 0, "the copy's pair needed its thumbs");
    assert!(
        asked_cold < lean.len(),
        "only the candidate pairs' faces: {asked_cold}"
    );

    // With the memo of the first run, no thumb is read at all.
    let (_, source, asked) = split(&records);
    let remembered = Remembered {
        pairs: cold.pair_memo().clone(),
        thumbs: Some(Box::new(source)),
        ..Remembered::default()
    };
    let warm = Analysis::remembering(lean, settings(), remembered);
    assert_eq!(json(&warm), json(&whole));
    assert!(asked.lock().expect("not poisoned").is_empty());
}

#[test]
fn without_a_source_records_lacking_thumbs_are_reported_thumbless() {
    let (lean, _, _) = split(&with_near_copy());
    let report = Analysis::new(lean.clone(), settings()).report();
    let faces: usize = lean.iter().map(|r| r.faces.len()).sum();
    assert_eq!(
        report.warnings,
        [format!(
            "{faces} faces have no thumb (imported): copies among them are judged by vectors only"
        )]
    );
}
