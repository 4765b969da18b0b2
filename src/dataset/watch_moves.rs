//! A move between person folders can reach the watcher as two batches of
//! events: the departure in one, the arrival in the next. An arrival whose
//! content departed moments ago is reported as the move it was, so a
//! subscriber never sees a photo removed and then an unrelated one added.

use super::changes::{Changes, person_of};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a removed photo may still turn out to have been moved.
const MOVE_WINDOW: Duration = Duration::from_secs(10);

/// Reports an added photo whose content departed from another path
/// moments ago as moved (the departure was already reported as removed),
/// and remembers this batch's departures.
pub(super) fn pair_moves(
    departed: &mut Vec<(PathBuf, String, Instant)>,
    changes: &mut Changes,
    hashes: &HashMap<PathBuf, String>,
) {
    departed.retain(|(_, _, at)| at.elapsed() < MOVE_WINDOW);
    let mut added = Vec::new();
    for path in std::mem::take(&mut changes.added) {
        let origin = hashes
            .get(&path)
            .and_then(|h| departed.iter().position(|(_, dh, _)| dh == h));
        match origin {
            Some(i) => {
                let (from, _, _) = departed.remove(i);
                if let Some(p) = person_of(&from) {
                    changes.persons.insert(p);
                }
                changes.moved.push((from, path));
            }
            None => added.push(path),
        }
    }
    changes.added = added;
    for path in &changes.removed {
        if let Some(h) = hashes.get(path) {
            departed.push((path.clone(), h.clone(), Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_heard_of_in_two_batches_is_still_a_move() {
        let mut departed = Vec::new();
        let hashes: HashMap<PathBuf, String> = [
            (PathBuf::from("Ann/a.jpg"), "h1".to_string()),
            (PathBuf::from("Bob/a.jpg"), "h1".to_string()),
            (PathBuf::from("Bob/b.jpg"), "h2".to_string()),
        ]
        .into();
        let mut first = Changes {
            removed: vec![PathBuf::from("Ann/a.jpg")],
            ..Changes::default()
        };
        pair_moves(&mut departed, &mut first, &hashes);
        assert_eq!(first.removed.len(), 1);
        let mut second = Changes {
            added: vec![PathBuf::from("Bob/a.jpg"), PathBuf::from("Bob/b.jpg")],
            ..Changes::default()
        };
        pair_moves(&mut departed, &mut second, &hashes);
        assert_eq!(second.added, [PathBuf::from("Bob/b.jpg")]);
        assert_eq!(
            second.moved,
            [(PathBuf::from("Ann/a.jpg"), PathBuf::from("Bob/a.jpg"))]
        );
        assert!(second.persons.contains("Ann"));
        assert!(departed.is_empty());
    }
}
