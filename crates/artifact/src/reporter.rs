//! [`Reporter`]: progress events from reading a target, for the CLI to draw.

/// Receives progress while a target is read. Every method has an empty default, so a caller
/// implements only what it shows; [`NoReporter`] shows nothing.
pub trait Reporter: Send + Sync {
    /// An image with `layers` layers is about to be read.
    fn on_image(&self, _reference: &str, _layers: usize) {}
    /// Layer `index` (bottom first) of `size` blob bytes starts being read.
    fn on_layer_start(&self, _index: usize, _digest: &str, _size: u64) {}
    /// `bytes` more blob bytes of layer `index` were read.
    fn on_layer_progress(&self, _index: usize, _bytes: u64) {}
    /// Layer `index` is done; `cached` when its results came from the layer cache.
    fn on_layer_done(&self, _index: usize, _cached: bool) {}
    /// A directory walk visited `count` more files.
    fn on_files_walked(&self, _count: u64) {}
}

/// A [`Reporter`] that ignores every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoReporter;

impl Reporter for NoReporter {}
