//! Human-readable findings for a set of records, used by `demo`.

use facecurate::pipeline::embed::cosine;
use facecurate::records::{PhotoRecord, PhotoStatus};
use std::collections::BTreeMap;

pub fn print_findings(records: &[PhotoRecord]) {
    let (photos, faces, failed) = super::demo::summary(records);
    let persons: BTreeMap<&str, Vec<&PhotoRecord>> =
        records.iter().fold(BTreeMap::new(), |mut m, r| {
            m.entry(r.person.as_str()).or_insert_with(Vec::new).push(r);
            m
        });
    println!(
        "\n{photos} photos of {} persons, {faces} faces, {failed} unreadable\n",
        persons.len()
    );
    for r in records {
        match &r.status {
            PhotoStatus::Error(cause) => println!("unreadable  {}: {cause}", r.path.display()),
            PhotoStatus::Ok if r.faces.is_empty() => println!("no face     {}", r.path.display()),
            PhotoStatus::Ok if r.faces.len() > 1 => {
                println!("{} faces     {}", r.faces.len(), r.path.display())
            }
            PhotoStatus::Ok => {}
        }
    }
    // Mean vector of each person's photos (first face), the simplest
    // evidence of a photo filed under the wrong name.
    let centre = |rs: &[&PhotoRecord], skip: Option<&str>| -> Option<Vec<f32>> {
        let vecs: Vec<&Vec<f32>> = rs
            .iter()
            .filter(|r| Some(r.path.to_string_lossy().as_ref()) != skip)
            .filter_map(|r| r.faces.first().map(|f| &f.embedding))
            .collect();
        let first = vecs.first()?;
        let mut sum = vec![0.0f32; first.len()];
        for v in &vecs {
            sum.iter_mut().zip(v.iter()).for_each(|(s, x)| *s += x);
        }
        Some(facecurate::pipeline::embed::normalized(&sum))
    };
    for r in records {
        let Some(face) = r.faces.first() else {
            continue;
        };
        let own = persons
            .get(r.person.as_str())
            .and_then(|rs| centre(rs, Some(r.path.to_string_lossy().as_ref())));
        let Some(own) = own else { continue };
        let own_sim = cosine(&face.embedding, &own);
        let best_other = persons
            .iter()
            .filter(|(name, _)| **name != r.person)
            .filter_map(|(name, rs)| centre(rs, None).map(|c| (*name, cosine(&face.embedding, &c))))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((other, sim)) = best_other
            && sim > own_sim
        {
            println!(
                "mislabel?   {} looks like {other} (cosine {sim:.2}) more than {} ({own_sim:.2})",
                r.path.display(),
                r.person
            );
        }
    }
}
