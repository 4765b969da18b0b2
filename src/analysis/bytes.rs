//! Little-endian reading and writing for the saved files the analysis
//! keeps (the saved search and its inverted file): a leaf, so that both can
//! use it without importing each other.

use std::io::Read;

pub fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

/// Reads little-endian values off the front of a byte source (a slice,
/// or a file read as it is parsed), failing when it runs out.
pub struct Reader<R>(pub R);

impl<R: Read> Reader<R> {
    /// The next `n` bytes; read as they come, so a length that claims more
    /// than the source holds fails without reserving it.
    pub fn take(&mut self, n: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        (&mut self.0)
            .take(n as u64)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        if out.len() < n {
            return Err("truncated".into());
        }
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        self.0.read_exact(&mut a).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => "truncated".to_string(),
            _ => e.to_string(),
        })?;
        Ok(a)
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    /// True when nothing is left to read.
    pub fn at_end(&mut self) -> Result<bool, String> {
        let mut byte = [0u8; 1];
        loop {
            match self.0.read(&mut byte) {
                Ok(n) => return Ok(n == 0),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}

/// Hashes every byte read through it, for a checksum that follows what it
/// covers.
pub struct Hashing<R> {
    pub inner: R,
    pub hasher: blake3::Hasher,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}
