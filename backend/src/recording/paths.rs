//! Where a meeting's recording files live, and file names safe to build from identities.

use std::path::{Path, PathBuf};

/// Directory of one meeting's recording files.
pub fn meeting_dir(root: &Path, meeting: &str) -> PathBuf {
    root.join(safe_name(meeting))
}

/// `name` with every character outside `[A-Za-z0-9_-]` replaced by `_` (identities and ids
/// become file names; no path separators, no `..`).
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if cleaned.is_empty() { "_".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_cannot_escape_the_directory() {
        assert_eq!(super::safe_name("guest/../../etc"), "guest_______etc");
        assert_eq!(super::safe_name("host-1_a"), "host-1_a");
        assert_eq!(super::safe_name(""), "_");
    }
}
