//! Decoded photos kept for drawing, by relative path and bounded by count
//! and bytes. Plain pixels, no terminal in sight: the state holds one (what
//! half-blocks and grid cells draw from) and the thumbnail worker another.

use image::RgbImage;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const CACHE_COUNT: usize = 400;
const CACHE_BYTES: usize = 48 << 20;

/// Decoded photos by relative path, least recently added dropped first.
#[derive(Debug, Clone, Default)]
pub struct ThumbCache {
    images: HashMap<PathBuf, Arc<RgbImage>>,
    order: VecDeque<PathBuf>,
    bytes: usize,
}

impl ThumbCache {
    pub fn get(&self, path: &Path) -> Option<&Arc<RgbImage>> {
        self.images.get(path)
    }

    pub fn contains_key(&self, path: &Path) -> bool {
        self.images.contains_key(path)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.images.len()
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn insert(&mut self, path: PathBuf, image: Arc<RgbImage>) {
        self.remove(&path);
        self.bytes += image.as_raw().len();
        self.order.push_back(path.clone());
        self.images.insert(path, image);
        while self.images.len() > CACHE_COUNT || self.bytes > CACHE_BYTES {
            let Some(oldest) = self.order.front().cloned() else {
                break;
            };
            self.remove(&oldest);
        }
    }

    fn remove(&mut self, path: &Path) {
        if let Some(old) = self.images.remove(path) {
            self.bytes -= old.as_raw().len();
            self.order.retain(|p| p != path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_drops_the_oldest_past_its_bounds() {
        let mut cache = ThumbCache::default();
        let img = Arc::new(RgbImage::new(4, 4));
        for i in 0..CACHE_COUNT + 5 {
            cache.insert(PathBuf::from(format!("p/{i}.jpg")), Arc::clone(&img));
        }
        assert_eq!(cache.len(), CACHE_COUNT);
        assert!(!cache.contains_key(Path::new("p/0.jpg")), "oldest dropped");
        assert!(cache.contains_key(Path::new(&format!("p/{}.jpg", CACHE_COUNT + 4))));
        assert_eq!(cache.bytes(), CACHE_COUNT * 48);
        let big = Arc::new(RgbImage::new(2048, 2048)); // 12 MiB each
        for i in 0..6 {
            cache.insert(PathBuf::from(format!("big/{i}.jpg")), Arc::clone(&big));
        }
        assert!(cache.bytes() <= CACHE_BYTES);
        assert!(cache.contains_key(Path::new("big/5.jpg")));
        assert!(!cache.contains_key(Path::new("big/0.jpg")));
    }
}
