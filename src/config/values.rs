//! Range-checked leaf values of the workspace file. Each check runs inside
//! deserialization, so serde-saphyr reports a bad value at its own line and
//! the message says what is allowed.

use serde::Deserialize;
use serde::de::{self, Deserializer};

pub fn unit_interval<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    if v > 0.0 && v <= 1.0 {
        Ok(v as f32)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: a number above 0 and at most 1"
        )))
    }
}

pub fn side<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = i64::deserialize(d)?;
    if (32..=i64::from(crate::pipeline::decode::MAX_SIDE)).contains(&v) {
        Ok(v as u32)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: whole pixels from 32 to {}",
            crate::pipeline::decode::MAX_SIDE
        )))
    }
}

pub fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = i64::deserialize(d)?;
    if (1..=3_600_000).contains(&v) {
        Ok(v as u64)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: milliseconds from 1 to 3600000"
        )))
    }
}

pub fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let v = i64::deserialize(d)?;
    if (1..=1024).contains(&v) {
        Ok(v as usize)
    } else {
        Err(de::Error::custom(format!(
            "{v} is out of range; allowed: a whole number from 1 to 1024"
        )))
    }
}

/// A positive count, or `auto` (`None`).
pub fn count_or_auto<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Option<usize>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number from 1 to 1024, or `auto`")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            if (1..=1024).contains(&v) {
                Ok(Some(v as usize))
            } else {
                Err(E::custom(format!(
                    "{v} is out of range; allowed: a whole number from 1 to 1024, or `auto`"
                )))
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom(format!(
                    "{v} is out of range; allowed: a whole number from 1 to 1024, or `auto`"
                ))),
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v == "auto" {
                Ok(None)
            } else {
                Err(E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}
