//! sha256 of files and folders, the one integrity check every provisioned
//! artifact passes before it is used.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Hash of a folder: sha256 over its sorted `"<file sha256>  <relative path>\n"`
/// lines (the `sha256sum` format), so it can be reproduced from a shell.
pub fn sha256_tree(dir: &Path) -> io::Result<String> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.sort();
    let mut listing = String::new();
    for rel in files {
        let digest = sha256_file(&dir.join(&rel))?;
        listing.push_str(&format!("{digest}  {}\n", rel.display()));
    }
    Ok(sha256_bytes(listing.as_bytes()))
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_hash_changes_with_content_and_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.jpg"), b"one").unwrap();
        let first = sha256_tree(dir.path()).unwrap();
        std::fs::write(dir.path().join("a/x.jpg"), b"two").unwrap();
        let second = sha256_tree(dir.path()).unwrap();
        assert_ne!(first, second);
        std::fs::rename(dir.path().join("a/x.jpg"), dir.path().join("a/y.jpg")).unwrap();
        assert_ne!(second, sha256_tree(dir.path()).unwrap());
    }
}
