//! `precision: fp32|int8|auto` (and `--precision`): which build of the
//! built-in SFace embeds. int8 is the static QDQ model made at fetch time
//! (`sface_int8` in models/manifest.json, its stem kept in fp32): about 1.4x
//! the photos/s on a CPU with VNNI, every face of LFW dev-train within
//! cosine 0.96 of its fp32 vector (BENCHMARKS.md). `auto`, the default, is
//! int8 when the device is the CPU and the CPU has AVX-512 VNNI or AVX-VNNI;
//! fp32 on CUDA, for `device: auto` when `ORT_DYLIB_PATH` names a library of
//! the user's own (it may be a CUDA build) or the CUDA build is provisioned,
//! and (the session decides that, `session::open`) for a store already
//! embedded in fp32, which `auto` does not re-embed. It is decided without
//! loading ONNX Runtime (a warm rescan never does). Stores made under one
//! precision re-embed under the other (each is its own pinned sha256 in the
//! fingerprint).

use crate::runtime::{Device, ORT_DYLIB_ENV};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Fp32,
    Int8,
    #[default]
    Auto,
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fp32" => Ok(Precision::Fp32),
            "int8" => Ok(Precision::Int8),
            "auto" => Ok(Precision::Auto),
            other => Err(format!(
                "unknown precision `{other}` (expected fp32, int8 or auto)"
            )),
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
            Precision::Auto => "auto",
        })
    }
}

/// What `auto` looks at, apart from the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host {
    /// AVX-512 VNNI or AVX-VNNI.
    pub vnni: bool,
    /// `ORT_DYLIB_PATH` is set, or `models fetch --with cuda` provisioned
    /// the CUDA build: `device: auto` may run on a GPU.
    pub own_runtime: bool,
}

impl Host {
    pub fn detect() -> Host {
        Host {
            vnni: cpu_has_vnni(),
            own_runtime: std::env::var_os(ORT_DYLIB_ENV).is_some_and(|p| !p.is_empty())
                || cuda_build_provisioned(),
        }
    }
}

/// Whether the cache holds the CUDA build (file presence only, as
/// `runtime::select` looks).
fn cuda_build_provisioned() -> bool {
    let Ok(manifest) = crate::models::Manifest::builtin() else {
        return false;
    };
    let cache = crate::models::Cache::default_location();
    matches!(
        crate::runtime::cuda_layout::discover(&cache, &manifest),
        crate::runtime::cuda_layout::Discovery::Ready(_)
    )
}

#[cfg(target_arch = "x86_64")]
fn cpu_has_vnni() -> bool {
    std::arch::is_x86_feature_detected!("avx512vnni")
        || std::arch::is_x86_feature_detected!("avxvnni")
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_vnni() -> bool {
    false
}

impl Precision {
    /// Fp32 or Int8, never Auto.
    pub fn resolve(self, device: Device, host: Host) -> Precision {
        match self {
            Precision::Auto => {
                let cpu = match device {
                    Device::Cpu => true,
                    Device::Cuda => false,
                    Device::Auto => !host.own_runtime,
                };
                match cpu && host.vnni {
                    true => Precision::Int8,
                    false => Precision::Fp32,
                }
            }
            chosen => chosen,
        }
    }

    /// The manifest name of the built-in SFace at this (resolved) precision.
    pub fn sface_artifact(self) -> &'static str {
        match self {
            Precision::Int8 => "sface_int8",
            Precision::Fp32 | Precision::Auto => "sface",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VNNI: Host = Host {
        vnni: true,
        own_runtime: false,
    };

    #[test]
    fn auto_is_int8_only_on_a_vnni_cpu() {
        assert_eq!(Precision::Auto.resolve(Device::Cuda, VNNI), Precision::Fp32);
        assert_eq!(Precision::Auto.resolve(Device::Cpu, VNNI), Precision::Int8);
        assert_eq!(Precision::Auto.resolve(Device::Auto, VNNI), Precision::Int8);
        let own = Host {
            own_runtime: true,
            ..VNNI
        };
        assert_eq!(Precision::Auto.resolve(Device::Auto, own), Precision::Fp32);
        let old = Host {
            vnni: false,
            ..VNNI
        };
        assert_eq!(Precision::Auto.resolve(Device::Cpu, old), Precision::Fp32);
        // A precision written out is kept, whatever the device.
        assert_eq!(Precision::Int8.resolve(Device::Cuda, VNNI), Precision::Int8);
        assert_eq!(Precision::Fp32.resolve(Device::Cpu, VNNI), Precision::Fp32);
    }

    #[test]
    fn names_parse_and_pick_the_artifact() {
        for p in [Precision::Fp32, Precision::Int8, Precision::Auto] {
            assert_eq!(p.to_string().parse::<Precision>(), Ok(p));
        }
        assert!("fp16".parse::<Precision>().is_err());
        assert_eq!(Precision::Int8.sface_artifact(), "sface_int8");
        assert_eq!(Precision::Fp32.sface_artifact(), "sface");
    }
}
