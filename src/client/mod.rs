//! HTTP client for the API. Placeholder until implemented.
