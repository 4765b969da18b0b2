//! Where an incremental [`Analysis::update`] spends its time at scale: a
//! synthetic dataset shaped on an `embed --json` dump (as `bench scale`
//! makes it), analysed once, then many one-photo moves, deletes and adds,
//! each timed; the medians and maxima are printed. Run it under `perf` to
//! see the parts; timings are reported, never asserted.
//!
//!     cargo build --release --example update_profile
//!     target/release/examples/update_profile DUMP [FACES] [ROUNDS]
//!
//! `UPDATE_PROFILE_EXACT_MAX=N` sets `exact_search_max_faces` (0: the
//! index path at any size).

use facecurate::analysis::{Analysis, Change, Settings};
use facecurate::scale::{run, synth};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dump) = args.first() else {
        anyhow::bail!("usage: update_profile DUMP [FACES] [ROUNDS]");
    };
    let faces: usize = args.get(1).map_or(Ok(100_000), |s| s.parse())?;
    let rounds: usize = args.get(2).map_or(Ok(30), |s| s.parse())?;
    let shape = synth::Shape::from_dump(std::path::Path::new(dump))?;
    let synth = synth::generate(&shape, faces, 1);
    let records = (0..synth.photos.len())
        .map(|i| {
            let path = synth.path(i);
            let person = synth.folders[synth.photos[i].folder as usize].clone();
            run::record(&synth, i, &path, &person)
        })
        .collect();
    let start = Instant::now();
    let mut settings = Settings::default();
    if let Ok(max) = std::env::var("UPDATE_PROFILE_EXACT_MAX") {
        settings.exact_search_max_faces = max.parse()?;
    }
    let mut analysis = Analysis::new(records, settings);
    eprintln!("analysis: {:.1} s", start.elapsed().as_secs_f64());
    let members = synth.members();
    let big: Vec<usize> = {
        let mut by_size: Vec<usize> = (0..members.len()).collect();
        by_size.sort_by_key(|&f| std::cmp::Reverse(members[f].len()));
        by_size.into_iter().take(rounds + 1).collect()
    };
    let mut times: [Vec<f64>; 3] = Default::default();
    for r in 0..rounds {
        let (from, to) = (big[r], big[r + 1]);
        let (a, b) = (members[from][0], members[from][1]);
        let to_person = synth.folders[to].clone();
        let moved = Change::Moved {
            from: PathBuf::from(synth.path(a)),
            to: PathBuf::from(format!("{to_person}/{}", synth.photos[a].name)),
            person: to_person.clone(),
        };
        let removed = Change::Removed(PathBuf::from(synth.path(b)));
        let path = format!("{to_person}/profile_added_{r}.jpg");
        let added = Change::Added(run::record(&synth, b, &path, &to_person));
        for (slot, change) in [moved, removed, added].into_iter().enumerate() {
            let start = Instant::now();
            analysis.update(vec![change]);
            times[slot].push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    for (name, mut t) in ["move", "delete", "add"].into_iter().zip(times) {
        t.sort_by(f64::total_cmp);
        let median = t.get(t.len() / 2).copied().unwrap_or(f64::NAN);
        let max = t.last().copied().unwrap_or(f64::NAN);
        println!(
            "{name}: median {median:.1} ms, max {max:.1} ms over {} rounds",
            t.len()
        );
    }
    Ok(())
}
