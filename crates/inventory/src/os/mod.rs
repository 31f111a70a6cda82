//! Operating-system package databases: dpkg, apk and rpm, and the distribution they belong to.

pub(crate) mod apk;
pub(crate) mod distro;
pub(crate) mod dpkg;
pub(crate) mod rpm;
