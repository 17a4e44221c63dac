//! The storage interface and its SQLite implementation. Placeholder until implemented.
