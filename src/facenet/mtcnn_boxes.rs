//! The box arithmetic of facenet's MTCNN (`detect_face.py`): regression
//! (`bbreg`), squaring (`rerec`) and non-maximum suppression (`nms`), in
//! facenet's inclusive-pixel convention (a box from 0 to 9 is 10 wide).

/// A candidate: corners, score and the regression that refines it.
#[derive(Debug, Clone, Copy)]
pub struct Cand {
    pub b: [f64; 4],
    pub score: f64,
    pub reg: [f64; 4],
}

/// facenet's `bbreg`: move each side by its regression times the box size.
pub fn bbreg(b: [f64; 4], reg: [f64; 4]) -> [f64; 4] {
    let w = b[2] - b[0] + 1.0;
    let h = b[3] - b[1] + 1.0;
    [
        b[0] + reg[0] * w,
        b[1] + reg[1] * h,
        b[2] + reg[2] * w,
        b[3] + reg[3] * h,
    ]
}

/// facenet's `rerec`: the square on the longer side, same centre.
pub fn rerec(b: [f64; 4]) -> [f64; 4] {
    let w = b[2] - b[0];
    let h = b[3] - b[1];
    let l = w.max(h);
    let x1 = b[0] + w * 0.5 - l * 0.5;
    let y1 = b[1] + h * 0.5 - l * 0.5;
    [x1, y1, x1 + l, y1 + l]
}

/// facenet's `nms`: strongest first (ties: the later one), dropping boxes
/// overlapping a kept one by more than `threshold` (IoU, or intersection
/// over the smaller area with `min`). Returns kept indices, strongest first.
pub fn nms(cands: &[Cand], threshold: f64, min: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by(|&a, &b| cands[a].score.total_cmp(&cands[b].score));
    let area = |c: &Cand| (c.b[2] - c.b[0] + 1.0) * (c.b[3] - c.b[1] + 1.0);
    let mut pick = Vec::new();
    while let Some(i) = order.pop() {
        pick.push(i);
        let a = &cands[i];
        order.retain(|&j| {
            let b = &cands[j];
            let iw = (a.b[2].min(b.b[2]) - a.b[0].max(b.b[0]) + 1.0).max(0.0);
            let ih = (a.b[3].min(b.b[3]) - a.b[1].max(b.b[1]) + 1.0).max(0.0);
            let inter = iw * ih;
            let o = if min {
                inter / area(a).min(area(b))
            } else {
                inter / (area(a) + area(b) - inter)
            };
            o <= threshold
        });
    }
    pick
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(b: [f64; 4], score: f64) -> Cand {
        Cand {
            b,
            score,
            reg: [0.0; 4],
        }
    }

    #[test]
    fn nms_keeps_the_strongest_and_min_mode_drops_nested_boxes() {
        let c = [
            cand([0.0, 0.0, 9.0, 9.0], 0.8),
            cand([1.0, 1.0, 10.0, 10.0], 0.9),
            cand([50.0, 50.0, 59.0, 59.0], 0.7),
            cand([2.0, 2.0, 5.0, 5.0], 0.95),
        ];
        assert_eq!(nms(&c, 0.5, false), vec![3, 1, 2]);
        // The small box inside box 1 is dropped in min mode.
        assert_eq!(nms(&c, 0.7, true), vec![3, 2]);
    }

    #[test]
    fn rerec_squares_around_the_centre_and_bbreg_scales_by_size() {
        assert_eq!(rerec([10.0, 20.0, 30.0, 60.0]), [0.0, 20.0, 40.0, 60.0]);
        assert_eq!(
            bbreg([0.0, 0.0, 9.0, 19.0], [0.1, -0.1, 0.2, 0.0]),
            [1.0, -2.0, 11.0, 19.0]
        );
    }
}
