//! Progress bars for long work, drawn with indicatif on stderr; hidden when stderr is not a
//! terminal or with `--quiet`.

use std::sync::Mutex;

use custody_artifact::Reporter;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws one bar per image layer, or a file counter for directory walks.
pub(crate) struct ProgressReporter {
    multi: MultiProgress,
    layers: Mutex<Vec<Option<ProgressBar>>>,
    files: Mutex<Option<ProgressBar>>,
}

impl ProgressReporter {
    /// A reporter drawing on stderr, or drawing nothing when `hidden`.
    pub(crate) fn new(hidden: bool) -> Self {
        let target = if hidden {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Self {
            multi: MultiProgress::with_draw_target(target),
            layers: Mutex::new(Vec::new()),
            files: Mutex::new(None),
        }
    }

    /// Removes every bar, so results print on a clean terminal.
    pub(crate) fn finish(&self) {
        if let Ok(mut layers) = self.layers.lock() {
            for bar in layers.drain(..).flatten() {
                bar.finish_and_clear();
            }
        }
        if let Ok(mut files) = self.files.lock()
            && let Some(bar) = files.take()
        {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }

    fn with_layer(&self, index: usize, action: impl FnOnce(&ProgressBar)) {
        if let Ok(layers) = self.layers.lock()
            && let Some(Some(bar)) = layers.get(index)
        {
            action(bar);
        }
    }
}

fn short(digest: &str) -> &str {
    let hex = digest.split_once(':').map_or(digest, |(_, hex)| hex);
    hex.get(..12).unwrap_or(hex)
}

impl Reporter for ProgressReporter {
    fn on_image(&self, _reference: &str, layers: usize) {
        if let Ok(mut bars) = self.layers.lock() {
            bars.resize(layers, None);
        }
    }

    fn on_layer_start(&self, index: usize, digest: &str, size: u64) {
        let bar = self.multi.add(ProgressBar::new(size));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>14.dim} [{bar:30.cyan/blue}] {bytes:>10}/{total_bytes:<10} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(short(digest).to_owned());
        if let Ok(mut bars) = self.layers.lock()
            && let Some(slot) = bars.get_mut(index)
        {
            *slot = Some(bar);
        }
    }

    fn on_layer_progress(&self, index: usize, bytes: u64) {
        self.with_layer(index, |bar| bar.inc(bytes));
    }

    fn on_layer_done(&self, index: usize, _cached: bool) {
        self.with_layer(index, ProgressBar::finish_and_clear);
    }

    fn on_files_walked(&self, count: u64) {
        if let Ok(mut files) = self.files.lock() {
            let bar = files.get_or_insert_with(|| {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {pos} files walked")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar
            });
            bar.inc(count);
        }
    }
}
