//! `GET /openapi.json`: the OpenAPI 3.1 document of this server, written by hand in
//! `assets/openapi.json` and embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// Path of the document.
pub const PATH: &str = "/openapi.json";

/// The OpenAPI 3.1 document, as served.
pub const OPENAPI_JSON: &str = include_str!("../../assets/openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
