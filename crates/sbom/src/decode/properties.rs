//! Name/value properties read back: custody's own `custody:` properties (which the encoders
//! write, see [`to_cyclonedx`](crate::to_cyclonedx)) and the Syft and Trivy properties that
//! carry what purls cannot (`syft:location:<n>:path`, `syft:distro:versionCodename`,
//! `aquasecurity:trivy:SrcName`, `aquasecurity:trivy:FilePath`).
//!
//! CycloneDX holds them as `properties`; SPDX has none, so the SPDX reader sets the same facts
//! from the text custody's SPDX encoder writes. Properties may come in any order; indexed
//! ones (`custody:location:<n>:path`) are ordered by their index.

use std::collections::BTreeMap;

use custody_model::{Distro, ImageInfo, LayerInfo, Location, SourcePackage};

/// What a package element's properties say, before it is combined with its purl.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// `custody:package:ecosystem`: the purl type, for packages without a purl.
    pub(crate) ecosystem: Option<String>,
    /// `custody:package:arch`.
    pub(crate) arch: Option<String>,
    /// `custody:package:sourceName`.
    pub(crate) source_name: Option<String>,
    /// `custody:package:sourceVersion`.
    pub(crate) source_version: Option<String>,
    /// `custody:package:state`, as written (`half-configured`).
    pub(crate) state: Option<String>,
    /// `custody:package:ownedBy`: the owning OS package's id.
    pub(crate) owned_by: Option<String>,
    /// `custody:package:direct`: `true` or `false`.
    pub(crate) direct: Option<String>,
    /// `custody:package:dev`: `true` for development-only dependencies.
    pub(crate) dev: Option<String>,
    /// `custody:location:<n>:…`, by index.
    custody_locations: BTreeMap<usize, LocationParts>,
    /// `syft:location:<n>:path` by index, or Trivy's one `aquasecurity:trivy:FilePath`; used
    /// only when there are no custody locations.
    tool_locations: BTreeMap<usize, LocationParts>,
    /// Trivy's source package: `SrcName`, and `SrcEpoch`, `SrcVersion`, `SrcRelease`.
    trivy_source: TrivySource,
}

#[derive(Debug, Default)]
struct TrivySource {
    name: Option<String>,
    epoch: Option<String>,
    version: Option<String>,
    release: Option<String>,
}

#[derive(Debug, Default)]
struct LocationParts {
    path: Option<String>,
    layer: Option<String>,
}

impl Facts {
    /// Records one property; names custody does not read are ignored.
    pub(crate) fn record(&mut self, name: &str, value: &str) {
        let slot = match name {
            "custody:package:ecosystem" => &mut self.ecosystem,
            "custody:package:arch" => &mut self.arch,
            "custody:package:sourceName" => &mut self.source_name,
            "custody:package:sourceVersion" => &mut self.source_version,
            "custody:package:state" => &mut self.state,
            "custody:package:ownedBy" => &mut self.owned_by,
            "custody:package:direct" => &mut self.direct,
            "custody:package:dev" => &mut self.dev,
            "aquasecurity:trivy:SrcName" => &mut self.trivy_source.name,
            "aquasecurity:trivy:SrcEpoch" => &mut self.trivy_source.epoch,
            "aquasecurity:trivy:SrcVersion" => &mut self.trivy_source.version,
            "aquasecurity:trivy:SrcRelease" => &mut self.trivy_source.release,
            "aquasecurity:trivy:FilePath" => {
                self.tool_locations.entry(0).or_default().path = Some(value.to_owned());
                return;
            }
            _ => {
                self.record_location(name, value);
                return;
            }
        };
        *slot = Some(value.to_owned());
    }

    fn record_location(&mut self, name: &str, value: &str) {
        let (custody, rest) = if let Some(rest) = name.strip_prefix("custody:location:") {
            (true, rest)
        } else if let Some(rest) = name.strip_prefix("syft:location:") {
            (false, rest)
        } else {
            return;
        };
        let Some((index, field)) = rest.split_once(':') else {
            return;
        };
        let Ok(index) = index.parse::<usize>() else {
            return;
        };
        let locations = if custody {
            &mut self.custody_locations
        } else {
            &mut self.tool_locations
        };
        let parts = locations.entry(index).or_default();
        match field {
            "path" => parts.path = Some(value.to_owned()),
            // Syft's `layerID` is a diff id, not the layer blob digest custody records.
            "layerDigest" if custody => parts.layer = Some(value.to_owned()),
            _ => {}
        }
    }

    /// Appends a location after the recorded ones, for formats that list locations without
    /// indexes.
    pub(crate) fn push_location(&mut self, path: &str, layer: Option<&str>) {
        let index = self
            .custody_locations
            .last_key_value()
            .map_or(0, |(index, _)| index.saturating_add(1));
        self.custody_locations.insert(
            index,
            LocationParts {
                path: Some(path.to_owned()),
                layer: layer.map(str::to_owned),
            },
        );
    }

    /// Whether any custody location was recorded.
    pub(crate) fn has_locations(&self) -> bool {
        !self.custody_locations.is_empty()
    }

    /// The source package: custody's `sourceName` and `sourceVersion`, else Trivy's
    /// `SrcName` with `[SrcEpoch:]SrcVersion[-SrcRelease]`.
    pub(crate) fn source(&self) -> Option<SourcePackage> {
        if let Some(name) = &self.source_name {
            return Some(SourcePackage {
                name: name.clone(),
                version: self.source_version.clone(),
            });
        }
        let trivy = &self.trivy_source;
        let name = trivy.name.clone()?;
        let version = trivy.version.as_deref().map(|version| {
            let mut full = String::new();
            if let Some(epoch) = trivy.epoch.as_deref().filter(|epoch| !epoch.is_empty()) {
                full.push_str(epoch);
                full.push(':');
            }
            full.push_str(version);
            if let Some(release) = trivy
                .release
                .as_deref()
                .filter(|release| !release.is_empty())
            {
                full.push('-');
                full.push_str(release);
            }
            full
        });
        Some(SourcePackage { name, version })
    }

    /// The locations, ordered by index: custody's when there are any, else Syft's or Trivy's. Paths lose
    /// their leading `/`s, since custody's locations are relative to the target root; entries
    /// without a path are dropped.
    pub(crate) fn locations(&self) -> Vec<Location> {
        let recorded = if self.custody_locations.is_empty() {
            &self.tool_locations
        } else {
            &self.custody_locations
        };
        recorded
            .values()
            .filter_map(|parts| {
                let path = parts.path.as_deref()?;
                let mut location = Location::new(path.trim_start_matches('/'));
                location.layer.clone_from(&parts.layer);
                Some(location)
            })
            .collect()
    }
}

/// Applies an OS component's property to `distro`: custody's `custody:distro:*` and Syft's
/// `syft:distro:*`.
pub(crate) fn record_distro(distro: &mut Distro, name: &str, value: &str) {
    match name {
        "custody:distro:codename" | "syft:distro:versionCodename" => {
            distro.codename = Some(value.to_owned());
        }
        "custody:distro:idLike" | "syft:distro:idLike" => {
            distro.id_like = value
                .split([' ', ','])
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect();
        }
        "custody:distro:distroless" => distro.distroless = value == "true",
        _ => {}
    }
}

/// The image identity from the target component's `custody:image:*` properties.
///
/// SBOMs do not record layer sizes or media types; read-back layers have size 0 and an empty
/// media type.
#[derive(Debug, Default)]
pub(crate) struct ImageFacts {
    config_digest: Option<String>,
    platform: Option<String>,
    tags: BTreeMap<usize, String>,
    layers: BTreeMap<usize, (Option<String>, Option<String>)>,
}

impl ImageFacts {
    /// Records one property of the target component; others are ignored.
    pub(crate) fn record(&mut self, name: &str, value: &str) {
        let Some(rest) = name.strip_prefix("custody:image:") else {
            return;
        };
        let value = value.to_owned();
        match rest {
            "configDigest" => self.config_digest = Some(value),
            "platform" => self.platform = Some(value),
            _ => {
                if let Some(index) = rest
                    .strip_prefix("tag:")
                    .and_then(|index| index.parse().ok())
                {
                    self.tags.insert(index, value);
                } else if let Some((index, field)) = rest
                    .strip_prefix("layer:")
                    .and_then(|rest| rest.split_once(':'))
                    && let Ok(index) = index.parse::<usize>()
                {
                    let layer = self.layers.entry(index).or_default();
                    match field {
                        "digest" => layer.0 = Some(value),
                        "diffId" => layer.1 = Some(value),
                        _ => {}
                    }
                }
            }
        }
    }

    /// Sets the configuration digest, for formats without properties (the SPDX root's
    /// comment).
    pub(crate) fn set_config(&mut self, config_digest: &str) {
        self.config_digest = Some(config_digest.to_owned());
    }

    /// Sets the platform.
    pub(crate) fn set_platform(&mut self, platform: &str) {
        self.platform = Some(platform.to_owned());
    }

    /// Appends a tag.
    pub(crate) fn push_tag(&mut self, tag: &str) {
        let index = self.tags.len();
        self.tags.insert(index, tag.to_owned());
    }

    /// Appends a layer by its digest.
    pub(crate) fn push_layer(&mut self, digest: &str) {
        let index = self.layers.len();
        self.layers.insert(index, (Some(digest.to_owned()), None));
    }

    /// The image, when a configuration digest was recorded. `version` is the target's
    /// version, the manifest digest unless it equals the configuration digest (which the
    /// encoders write when there is no manifest).
    pub(crate) fn finish(self, version: Option<&str>) -> Option<ImageInfo> {
        let config_digest = self.config_digest?;
        let manifest_digest = version
            .filter(|version| !version.is_empty() && *version != config_digest)
            .map(str::to_owned);
        Some(ImageInfo {
            manifest_digest,
            config_digest,
            platform: self.platform,
            layers: self
                .layers
                .into_values()
                .filter_map(|(digest, diff_id)| {
                    Some(LayerInfo {
                        digest: digest?,
                        diff_id,
                        size: 0,
                        media_type: String::new(),
                    })
                })
                .collect(),
            tags: self.tags.into_values().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_follow_their_index_and_prefer_custody() {
        let mut facts = Facts::default();
        facts.record("syft:location:0:path", "/var/lib/dpkg/status");
        assert_eq!(
            facts.locations(),
            vec![Location::new("var/lib/dpkg/status")]
        );
        facts.record("custody:location:1:path", "b");
        facts.record("custody:location:1:layerDigest", "sha256:1");
        facts.record("custody:location:0:path", "a");
        facts.record("custody:location:x:path", "ignored");
        assert_eq!(
            facts.locations(),
            vec![Location::new("a"), Location::new("b").in_layer("sha256:1")]
        );
    }

    #[test]
    fn trivy_source_joins_epoch_version_and_release() {
        let mut facts = Facts::default();
        facts.record("aquasecurity:trivy:SrcName", "util-linux");
        facts.record("aquasecurity:trivy:SrcVersion", "2.38.1");
        facts.record("aquasecurity:trivy:SrcRelease", "5");
        facts.record("aquasecurity:trivy:SrcEpoch", "1");
        facts.record("aquasecurity:trivy:FilePath", "usr/lib/x/METADATA");
        assert_eq!(
            facts.source(),
            Some(SourcePackage {
                name: "util-linux".into(),
                version: Some("1:2.38.1-5".into())
            })
        );
        assert_eq!(facts.locations(), vec![Location::new("usr/lib/x/METADATA")]);
        facts.record("custody:package:sourceName", "x");
        assert_eq!(facts.source().map(|source| source.name), Some("x".into()));
    }

    #[test]
    fn image_needs_a_configuration_digest() {
        let mut image = ImageFacts::default();
        image.record("custody:image:layer:0:digest", "sha256:l");
        assert_eq!(image.finish(Some("sha256:m")), None);

        let mut image = ImageFacts::default();
        image.record("custody:image:configDigest", "sha256:c");
        image.record("custody:image:layer:1:digest", "sha256:l1");
        image.record("custody:image:layer:0:diffId", "sha256:d0");
        image.record("custody:image:layer:0:digest", "sha256:l0");
        let info = image.finish(Some("sha256:c")).unwrap();
        assert_eq!(info.manifest_digest, None);
        let layers: Vec<(&str, Option<&str>)> = info
            .layers
            .iter()
            .map(|layer| (layer.digest.as_str(), layer.diff_id.as_deref()))
            .collect();
        assert_eq!(
            layers,
            vec![("sha256:l0", Some("sha256:d0")), ("sha256:l1", None)]
        );
    }
}
