//! Placeholder: built out under its issue.
