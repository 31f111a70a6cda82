//! [`Scanner`]: opens a [`Target`], reads it once through an [`Analyzer`], stacks image layers
//! and returns every analyzed file with its layer and final visibility.

use rayon::prelude::*;

use custody_model::{TargetInfo, Warning};

use crate::filesystem::{self, TreeKind};
use crate::layer::{self, LayerContext, LayerScan};
use crate::source::{self, ImageSource, RegistryOptions, ResolvedImage};
use crate::{Analyzer, Error, LayerCache, Platform, Reporter, Target, overlay};

/// Caps that keep hostile layers from exhausting memory, disk or time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest uncompressed size of one layer, in bytes.
    pub max_layer_size: u64,
    /// Largest uncompressed-to-compressed ratio of one layer …
    pub max_ratio: u64,
    /// … enforced once a layer has decompressed to more than this many bytes (small layers of
    /// zeros legitimately compress extremely well).
    pub ratio_threshold: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_layer_size: 64 << 30,
            max_ratio: 1000,
            ratio_threshold: 1 << 30,
        }
    }
}

/// How to open and read targets.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The platform to pick from multi-platform images.
    pub platform: Platform,
    /// Registry access.
    pub registry: RegistryOptions,
    /// The layer cache; `None` reads every layer.
    pub cache: Option<LayerCache>,
    /// Decompression limits.
    pub limits: Limits,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            platform: Platform::host(),
            registry: RegistryOptions::default(),
            cache: None,
            limits: Limits::default(),
        }
    }
}

/// One analyzed file of a scanned target.
#[derive(Debug, Clone)]
pub struct ScannedFile<O> {
    /// Path relative to the target root.
    pub path: String,
    /// Index of the layer that holds this version of the file, into the target's
    /// [`ImageInfo::layers`](custody_model::ImageInfo::layers); `None` for directories.
    pub layer: Option<usize>,
    /// Whether this version of the file is in the final filesystem. Earlier versions,
    /// overwritten or deleted by later layers, are still reported: they are in the image.
    pub visible: bool,
    /// What the analyzer made of it.
    pub output: O,
}

/// The outcome of reading a target.
#[derive(Debug, Clone)]
pub struct ScanResult<O> {
    /// What was read.
    pub target: TargetInfo,
    /// Analyzed files, by layer (bottom first), each layer's files in archive order.
    pub files: Vec<ScannedFile<O>>,
    /// Problems that did not stop the scan.
    pub warnings: Vec<Warning>,
}

/// Reads targets.
#[derive(Debug, Clone, Default)]
pub struct Scanner {
    options: ScanOptions,
}

impl Scanner {
    /// A scanner with `options`.
    pub fn new(options: ScanOptions) -> Self {
        Self { options }
    }

    /// Opens `target` and reads it through `analyzer`, reporting progress to `reporter`.
    pub fn scan<A: Analyzer>(
        &self,
        target: &Target,
        analyzer: &A,
        reporter: &dyn Reporter,
    ) -> Result<ScanResult<A::Output>, Error> {
        let platform = &self.options.platform;
        match target {
            Target::Dir(path) => scan_tree(target, path, TreeKind::Source, analyzer, reporter),
            Target::Rootfs(path) => scan_tree(target, path, TreeKind::Rootfs, analyzer, reporter),
            Target::OciDir { path, tag } => {
                let (source, image) = source::open_oci_dir(path, tag.as_deref(), platform)?;
                self.scan_image(target, &source, image, analyzer, reporter)
            }
            Target::OciArchive(path) => {
                let (source, image) = source::open_oci_archive(path, platform)?;
                self.scan_image(target, &source, image, analyzer, reporter)
            }
            Target::DockerArchive(path) => {
                let (source, image) = source::open_docker_archive(path)?;
                self.scan_image(target, &source, image, analyzer, reporter)
            }
            Target::Registry(reference) => {
                let (source, image) =
                    source::open_registry(reference, &self.options.registry, platform)?;
                self.scan_image(target, &source, image, analyzer, reporter)
            }
        }
    }

    fn scan_image<A: Analyzer>(
        &self,
        target: &Target,
        source: &dyn ImageSource,
        image: ResolvedImage,
        analyzer: &A,
        reporter: &dyn Reporter,
    ) -> Result<ScanResult<A::Output>, Error> {
        let layers = &image.info.layers;
        tracing::debug!(
            manifest = image.info.manifest_digest.as_deref().unwrap_or("none"),
            config = %image.info.config_digest,
            layers = layers.len(),
            "image resolved"
        );
        reporter.on_image(&target.name(), layers.len());
        let scans: Vec<LayerScan<A::Output>> = layers
            .par_iter()
            .zip(&image.expected)
            .enumerate()
            .map(|(index, (layer, expected))| {
                let cache = self.options.cache.as_ref();
                if let Some(scan) =
                    cache.and_then(|c| c.get(&layer.digest, analyzer.cache_version()))
                {
                    tracing::debug!(layer = %layer.digest, "layer results from the cache");
                    reporter.on_layer_done(index, true);
                    return Ok(scan);
                }
                let started = std::time::Instant::now();
                reporter.on_layer_start(index, &layer.digest, layer.size);
                let blob = source.open_layer(index, layer)?;
                let context = LayerContext {
                    index,
                    digest: &layer.digest,
                    expected,
                    limits: &self.options.limits,
                    reporter,
                };
                let scan = layer::scan_layer(blob, &context, analyzer)?;
                tracing::debug!(
                    layer = %layer.digest,
                    bytes = layer.size,
                    files = scan.files.len(),
                    elapsed = ?started.elapsed(),
                    "layer read"
                );
                if let Some(cache) = cache {
                    cache.put(&layer.digest, analyzer.cache_version(), &scan)?;
                }
                reporter.on_layer_done(index, false);
                Ok(scan)
            })
            .collect::<Result<_, Error>>()?;
        let visibility = overlay::visibility(&scans);
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        for (index, (scan, visible)) in scans.into_iter().zip(visibility).enumerate() {
            warnings.extend(scan.warnings);
            for ((path, output), visible) in scan.files.into_iter().zip(visible) {
                if let Some(output) = output {
                    files.push(ScannedFile {
                        path,
                        layer: Some(index),
                        visible,
                        output,
                    });
                }
            }
        }
        Ok(ScanResult {
            target: target_info(target, Some(image.info)),
            files,
            warnings,
        })
    }
}

fn scan_tree<A: Analyzer>(
    target: &Target,
    root: &std::path::Path,
    kind: TreeKind,
    analyzer: &A,
    reporter: &dyn Reporter,
) -> Result<ScanResult<A::Output>, Error> {
    let walked = filesystem::walk(root, kind, analyzer, reporter)?;
    Ok(ScanResult {
        target: target_info(target, None),
        files: walked
            .files
            .into_iter()
            .map(|(path, output)| ScannedFile {
                path,
                layer: None,
                visible: true,
                output,
            })
            .collect(),
        warnings: walked.warnings,
    })
}

fn target_info(target: &Target, image: Option<custody_model::ImageInfo>) -> TargetInfo {
    TargetInfo {
        kind: target.kind(),
        name: target.name(),
        image,
    }
}
