//! Integration tests of custody-sign: conformance corpora, real registries and real clients.
