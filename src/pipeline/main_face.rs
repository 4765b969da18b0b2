//! Which face a photo stands for when it has several: facenet's choice,
//! shared by the pipeline, the classifier and the facenet engines.

/// facenet's single-face choice: the largest box, penalised by the squared
/// distance of its centre from the photo's centre (`align_dataset_mtcnn.py`).
pub fn main_face_index(boxes: &[[f32; 4]], width: u32, height: u32) -> Option<usize> {
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    boxes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let dx = b[0] + b[2] / 2.0 - cx;
            let dy = b[1] + b[3] / 2.0 - cy;
            (i, b[2] * b[3] - 2.0 * (dx * dx + dy * dy))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_face_prefers_large_and_central() {
        // A big face far in the corner loses to a slightly smaller central one.
        let boxes = [
            [0.0, 0.0, 60.0, 60.0],
            [70.0, 70.0, 55.0, 55.0],
            [90.0, 90.0, 10.0, 10.0],
        ];
        assert_eq!(main_face_index(&boxes, 200, 200), Some(1));
        assert_eq!(main_face_index(&[], 10, 10), None);
    }
}
