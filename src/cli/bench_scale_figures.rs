//! The figures `bench scale` takes, as it takes them: each one named and
//! echoed on stderr (so a run stopped by a time limit still says how far
//! it got), the peak memory of each stage, what each figure measures, and
//! the table or the JSON object they are printed as.

use anyhow::Result;
use facecurate::scale::run;
use serde_json::Value;

/// What each figure measures, printed with them.
pub const NOTES: &[&str] = &[
    "photo files are absent: the store is read directly, never scanned against the dataset folder",
    "faces have no thumbs: the pair memo (registered thumb correlations) stays empty; copies are judged on vectors alone",
    "analysis_cold_s: store records + Store::analyse + report, nothing remembered",
    "report_remembering_s: records + Session::review_store (as `report --json`) reusing the saved search and memo of the cold run, + JSON: what a report costs after an edit",
    "report_warm_s: the same once more with nothing changed: the report saved by the run before is read back",
    "update_ms: the slowest of one Analysis::update each for a move, a delete and an add, without a new report; rename_ms: every photo of the largest folder moved to a new name in one update",
    "tui_first_frame_s: opening the store to the first frame showing the dataset, as the live UI opens: the persons' folders with their photo counts, flags marked as coming (the analysis is not waited for), headless at 120x40; tui_full_view_s: to the first frame of the analysed view (records, the analysis again, the UI's view); previews not encoded, inbox not predicted; key_ms: update + draw per navigation key on the analysed view",
    "neighbour_recall_at_K: the analysis's own neighbour lists (K = Settings::neighbours) against brute-force cosine over every face, for random query faces; ties at the K-th place can keep exact search just under 1",
    "planted_recall_at_k: misfiled photos within the first K of the report's photo ranking (worst first, planted copies left out), K = misfiled planted",
    "peak_rss_mb: the largest of peak_rss_mb_by_stage, each stage's peak resident memory (the kernel's high-water mark is set back between stages, so an outside tool's maximum is the last stage's; memory a finished stage freed is handed back to the system first, as a process of its own would start without it)",
];

/// The figures, in the order the table prints them, and notes.
pub struct Figures {
    pub map: serde_json::Map<String, Value>,
    pub notes: Vec<String>,
    /// Each figure also on stderr as it is taken (with `--json`), so a run
    /// stopped by a time limit still says how far it got.
    pub echo: bool,
    /// Peak resident memory of each stage, MB, by stage name.
    pub peaks: serde_json::Map<String, Value>,
}

impl Figures {
    pub fn set(&mut self, key: &str, value: impl serde::Serialize) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if self.echo {
            errln!("bench scale: {key} = {value}");
        }
        self.map.insert(key.to_string(), value);
    }

    /// Notes the peak memory of the stage that just ended (see
    /// [`run::stage_peak_rss_mb`]).
    pub fn stage_peak(&mut self, stage: &str) {
        let peak = run::stage_peak_rss_mb().map(|mb| mb.round());
        self.peaks.insert(stage.to_string(), Value::from(peak));
    }

    /// The process's peak: the largest of its stages'.
    pub fn set_peaks(&mut self) {
        self.stage_peak("last");
        let max = (self.peaks.values())
            .filter_map(Value::as_f64)
            .max_by(f64::total_cmp);
        let peaks = std::mem::take(&mut self.peaks);
        self.set("peak_rss_mb", max);
        self.set("peak_rss_mb_by_stage", peaks);
    }
}

/// The figures as one JSON object on stdout (`json`), else as a table on
/// stderr.
pub fn print(json: bool, f: &Figures) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(&f.map)?);
        return Ok(());
    }
    for (key, value) in &f.map {
        match value {
            Value::Number(n) if n.is_f64() => errln!("{key:<28} {:.4}", n.as_f64().unwrap_or(0.0)),
            Value::Array(notes) if key == "notes" => {
                for note in notes {
                    errln!("note: {}", note.as_str().unwrap_or_default());
                }
            }
            other => errln!("{key:<28} {other}"),
        }
    }
    Ok(())
}
