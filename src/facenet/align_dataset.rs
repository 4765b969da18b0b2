//! facenet's `align_dataset_mtcnn.py`: every photo of a person-per-folder
//! dataset becomes `DST/<person>/<name>.png`, the detector's box grown by
//! `margin / 2` on each side, clipped, resized to `image_size`, and
//! `DST/bounding_boxes.txt` lists each output with its box
//! (`<output> x1 y1 x2 y2`, or `<output>` alone when no face was found).
//!
//! Differences from facenet, all fixes of its traps: re-runs skip photos
//! whose output exists also with multiple faces (facenet checks a name it
//! never writes then), the box file is one file kept across runs (facenet
//! writes a new randomly named one per run) with one line per output, and
//! an output is written under a temporary name and renamed, so an
//! interrupted run never leaves a truncated PNG that a re-run would skip.

use super::crop::{crop_box, facenet_box};
use super::engine::FaceDetector;
use crate::pipeline::main_face_index;
use crate::records::list_dataset;
use image::RgbImage;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the box listing inside the output folder.
pub const BOXES_FILE: &str = "bounding_boxes.txt";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignSettings {
    /// Side of the square output crops (facenet default 182).
    pub image_size: u32,
    /// Pixels added around the box, half on each side (facenet default 44).
    pub margin: f32,
    /// Write every face (`name_0.png`, `name_1.png`, …) instead of the main one.
    pub multiple: bool,
}

impl Default for AlignSettings {
    fn default() -> Self {
        AlignSettings {
            image_size: 182,
            margin: 44.0,
            multiple: false,
        }
    }
}

/// One photo to align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignJob {
    pub source: PathBuf,
    /// `DST/<person>/<stem>` (without extension).
    pub output_base: PathBuf,
}

impl AlignJob {
    /// The output of face `index`: `base.png`, or `base_<index>.png` when
    /// every face is written.
    pub fn output(&self, index: Option<usize>) -> PathBuf {
        let base = self.output_base.to_string_lossy();
        match index {
            None => PathBuf::from(format!("{base}.png")),
            Some(i) => PathBuf::from(format!("{base}_{i}.png")),
        }
    }

    /// Whether an earlier run already aligned this photo.
    pub fn is_done(&self, multiple: bool) -> bool {
        self.output(multiple.then_some(0)).is_file()
    }
}

/// The jobs for `src` (person-per-folder) into `dst`, in dataset order.
/// Two photos that would write the same output (`a.jpg`, `a.png`) are
/// reported through `warn` and only the first is kept.
pub fn plan(src: &Path, dst: &Path, warn: &mut dyn FnMut(String)) -> Vec<AlignJob> {
    let mut seen = BTreeMap::new();
    let mut jobs = Vec::new();
    for entry in list_dataset(src, warn) {
        let stem = entry
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let output_base = dst.join(&entry.person).join(&stem);
        let source = src.join(&entry.path);
        if let Some(first) = seen.insert(output_base.clone(), source.clone()) {
            warn(format!(
                "{}: skipped, it would overwrite the output of {}",
                source.display(),
                first.display()
            ));
            seen.insert(output_base, first);
            continue;
        }
        jobs.push(AlignJob {
            source,
            output_base,
        });
    }
    jobs
}

/// What aligning one photo gave.
#[derive(Debug, Clone, PartialEq)]
pub enum AlignOutcome {
    /// Outputs written with their facenet boxes; `faces` found in all,
    /// `chosen` the main face's index when only one was written.
    Aligned {
        outputs: Vec<(PathBuf, [u32; 4])>,
        faces: usize,
        chosen: Option<usize>,
    },
    NoFace,
}

/// Detects, crops and writes one decoded photo.
pub fn align_image(
    detector: &mut FaceDetector,
    image: &RgbImage,
    job: &AlignJob,
    settings: &AlignSettings,
) -> Result<AlignOutcome, String> {
    let detections = detector
        .detect(image)
        .map_err(|e| format!("model error: {e}"))?;
    if detections.is_empty() {
        return Ok(AlignOutcome::NoFace);
    }
    let (w, h) = image.dimensions();
    let boxes: Vec<[f32; 4]> = detections.iter().map(|d| d.bbox).collect();
    let (picked, chosen): (Vec<(usize, Option<usize>)>, Option<usize>) = if settings.multiple {
        ((0..boxes.len()).map(|i| (i, Some(i))).collect(), None)
    } else {
        let i = main_face_index(&boxes, w, h).unwrap_or(0);
        (vec![(i, None)], Some(i))
    };
    let mut outputs = Vec::with_capacity(picked.len());
    for (i, suffix) in picked {
        let Some(b) = facenet_box(&boxes[i], settings.margin, w, h) else {
            continue;
        };
        let crop = crop_box(image, b, settings.image_size, settings.image_size);
        let path = job.output(suffix);
        write_png(&crop, &path)?;
        outputs.push((path, b));
    }
    if outputs.is_empty() {
        return Ok(AlignOutcome::NoFace);
    }
    Ok(AlignOutcome::Aligned {
        outputs,
        faces: detections.len(),
        chosen,
    })
}

/// Writes `image` as PNG under a temporary name, then renames it into place.
fn write_png(image: &RgbImage, path: &Path) -> Result<(), String> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = encode_png(image, &tmp)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// PNG with fast compression: on small crops the default level costs
/// more CPU than the rest of writing them, for a few percent of size.
fn encode_png(image: &RgbImage, path: &Path) -> image::ImageResult<()> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    PngEncoder::new_with_quality(file, CompressionType::Fast, FilterType::Adaptive).write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        image::ExtendedColorType::Rgb8,
    )
}

/// `bounding_boxes.txt`: one line per output (or per photo without a
/// face), later lines replacing earlier ones for the same output.
#[derive(Debug, Default)]
pub struct BoxesFile {
    path: PathBuf,
    entries: BTreeMap<String, Option<[u32; 4]>>,
    append: Option<std::fs::File>,
}

impl BoxesFile {
    /// Reads the listing in `dst` if there is one; unparsable lines are
    /// reported through `warn` and dropped.
    pub fn open(dst: &Path, warn: &mut dyn FnMut(String)) -> std::io::Result<BoxesFile> {
        let path = dst.join(BOXES_FILE);
        let mut entries = BTreeMap::new();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                for (n, line) in text.lines().enumerate() {
                    match parse_line(line) {
                        Some((name, b)) => {
                            entries.insert(name, b);
                        }
                        None if line.trim().is_empty() => {}
                        None => warn(format!(
                            "{}: line {}: unreadable, dropped",
                            path.display(),
                            n + 1
                        )),
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::fs::create_dir_all(dst)?;
        let append = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        Ok(BoxesFile {
            path,
            entries,
            append: Some(append),
        })
    }

    pub fn get(&self, output: &Path) -> Option<&Option<[u32; 4]>> {
        self.entries.get(output.to_string_lossy().as_ref())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records a line now (appended at once, so an interrupted run keeps it).
    pub fn record(&mut self, output: &Path, b: Option<[u32; 4]>) -> std::io::Result<()> {
        let name = output.to_string_lossy().to_string();
        let line = format_line(&name, b);
        if let Some(f) = self.append.as_mut() {
            f.write_all(line.as_bytes())?;
        }
        self.entries.insert(name, b);
        Ok(())
    }

    /// Rewrites the file with one line per output, sorted.
    pub fn finish(mut self) -> std::io::Result<PathBuf> {
        self.append = None;
        let tmp = self.path.with_extension("txt.partial");
        let mut text = String::new();
        for (name, b) in &self.entries {
            text.push_str(&format_line(name, *b));
        }
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(self.path)
    }
}

fn format_line(name: &str, b: Option<[u32; 4]>) -> String {
    match b {
        Some([x1, y1, x2, y2]) => format!("{name} {x1} {y1} {x2} {y2}\n"),
        None => format!("{name}\n"),
    }
}

/// `path x1 y1 x2 y2` or `path` (the path may contain spaces).
fn parse_line(line: &str) -> Option<(String, Option<[u32; 4]>)> {
    let line = line.trim_end();
    if line.is_empty() {
        return None;
    }
    let parts: Vec<&str> = line.rsplitn(5, ' ').collect();
    if parts.len() == 5 {
        let nums: Vec<u32> = parts[..4]
            .iter()
            .rev()
            .filter_map(|p| p.parse().ok())
            .collect();
        if nums.len() == 4 {
            return Some((
                parts[4].to_string(),
                Some([nums[0], nums[1], nums[2], nums[3]]),
            ));
        }
    }
    Some((line.to_string(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_lines_round_trip_and_later_lines_win() {
        let dir = tempfile::tempdir().unwrap();
        let mut warn = |w: String| panic!("{w}");
        let mut f = BoxesFile::open(dir.path(), &mut warn).unwrap();
        f.record(Path::new("out/a b/x.png"), Some([1, 2, 3, 4]))
            .unwrap();
        f.record(Path::new("out/p/y.png"), None).unwrap();
        f.record(Path::new("out/p/y.png"), Some([5, 6, 7, 8]))
            .unwrap();
        f.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join(BOXES_FILE)).unwrap();
        assert_eq!(text, "out/a b/x.png 1 2 3 4\nout/p/y.png 5 6 7 8\n");
        let again = BoxesFile::open(dir.path(), &mut warn).unwrap();
        assert_eq!(
            again.get(Path::new("out/a b/x.png")),
            Some(&Some([1, 2, 3, 4]))
        );
        assert_eq!(again.len(), 2);
    }

    #[test]
    fn outputs_follow_facenets_names_and_collisions_are_reported() {
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir(src.path().join("Ann")).unwrap();
        for name in ["a.jpg", "a.png", "b.jpeg"] {
            std::fs::write(src.path().join("Ann").join(name), b"x").unwrap();
        }
        let mut warnings = Vec::new();
        let jobs = plan(src.path(), Path::new("/dst"), &mut |w| warnings.push(w));
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].output(None), PathBuf::from("/dst/Ann/a.png"));
        assert_eq!(jobs[1].output(Some(1)), PathBuf::from("/dst/Ann/b_1.png"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("a.png"));
    }
}
