//! A decision function as it is written in the fit cache's file: every
//! float as its bit pattern, so that a reloaded fit is the very fit saved
//! (a cache hit must equal a refit bit for bit).

use super::model_file::Decision;
use serde::{Deserialize, Serialize};

/// A [`Decision`] with every float as its bits, so that it reloads exactly.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Bits {
    Linear {
        w: Vec<u32>,
        b: u64,
    },
    Kernel {
        support: Vec<Vec<u32>>,
        coef: Vec<u64>,
        b: u64,
    },
}

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|f| f.to_bits()).collect()
}

fn floats32(v: Vec<u32>) -> Vec<f32> {
    v.into_iter().map(f32::from_bits).collect()
}

impl From<&Decision> for Bits {
    fn from(d: &Decision) -> Bits {
        match d {
            Decision::Linear { w, b } => Bits::Linear {
                w: bits32(w),
                b: b.to_bits(),
            },
            Decision::Kernel { support, coef, b } => Bits::Kernel {
                support: support.iter().map(|s| bits32(s)).collect(),
                coef: coef.iter().map(|c| c.to_bits()).collect(),
                b: b.to_bits(),
            },
        }
    }
}

impl From<Bits> for Decision {
    fn from(bits: Bits) -> Decision {
        match bits {
            Bits::Linear { w, b } => Decision::Linear {
                w: floats32(w),
                b: f64::from_bits(b),
            },
            Bits::Kernel { support, coef, b } => Decision::Kernel {
                support: support.into_iter().map(floats32).collect(),
                coef: coef.into_iter().map(f64::from_bits).collect(),
                b: f64::from_bits(b),
            },
        }
    }
}
