//! The LFW face-verification protocol as facenet's `validate_on_lfw.py` runs
//! it: a pair file names photo pairs, each pair is scored by the distance
//! between the two main faces' embeddings, and a threshold chosen on nine
//! folds is tested on the tenth.
//!
//! This module is pure arithmetic and file-name logic; producing the
//! embeddings is the caller's business (`facenet::engine`), so the protocol
//! can be checked against facenet's own numbers on fixed inputs.

pub mod pairs;
pub mod protocol;
pub mod roc;

pub use pairs::{Pair, PairSide, ParsedPairs, parse_pairs, read_pairs, resolve_photo};
pub use protocol::{ProtocolError, Report, Scored, evaluate};
