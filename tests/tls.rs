//! HTTPS with rustls: a server on 127.0.0.1 with a self-signed certificate made in the test,
//! clients that trust it, clients that do not, and certificate files that are missing, invalid
//! or do not match.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hookgrace::client::{ApiClient, ClientAuth};
use hookgrace::clock::{ManualClock, SharedClock};
use hookgrace::server::{self, RunningServer, ServerConfig, TlsFiles};

/// A certificate for 127.0.0.1 and its key, in PEM.
struct Pair {
    cert: String,
    key: String,
}

fn self_signed() -> Pair {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
        .expect("certificate generation failed");
    Pair {
        cert: generated.cert.pem(),
        key: generated.signing_key.serialize_pem(),
    }
}

fn write_pair(dir: &Path, name: &str, pair: &Pair) -> TlsFiles {
    let files = TlsFiles {
        cert: dir.join(format!("{name}.crt")),
        key: dir.join(format!("{name}.key")),
    };
    std::fs::write(&files.cert, &pair.cert).unwrap();
    std::fs::write(&files.key, &pair.key).unwrap();
    files
}

async fn start_tls(dir: &Path, tls: TlsFiles) -> anyhow::Result<RunningServer> {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        db_path: dir.join("tls.db"),
        grace_period: Duration::from_secs(3600),
        max_attempts: 3,
        tls: Some(tls),
        trust_user_header: false,
    };
    let clock: SharedClock = Arc::new(ManualClock::at_fixed_start());
    let options = server::ServerOptions {
        session_tokens: vec![common::admin_session()],
        ..common::manual_options()
    };
    server::start(config, clock, options).await
}

/// Starts a server in `dir` that presents `pair`.
async fn serve_pair(dir: &Path, pair: &Pair) -> RunningServer {
    start_tls(dir, write_pair(dir, "server", pair))
        .await
        .unwrap()
}

fn client(base: &str, ca: Option<&str>) -> ApiClient {
    let auth = ClientAuth {
        token: Some(common::ADMIN_TOKEN.to_owned()),
        ca_cert_pem: ca.map(|pem| pem.as_bytes().to_vec()),
    };
    ApiClient::with_auth(base, "alice", &auth).unwrap()
}

#[tokio::test]
async fn https_works_with_the_servers_ca() {
    let dir = common::scratch_dir();
    let pair = self_signed();
    let running = serve_pair(dir.path(), &pair).await;
    let base = running.base_url();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");

    let whoami = client(&base, Some(&pair.cert)).whoami().await.unwrap();
    assert_eq!(whoami.body.name, common::ADMIN_NAME);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn https_fails_without_or_with_wrong_ca() {
    let dir = common::scratch_dir();
    let pair = self_signed();
    let running = serve_pair(dir.path(), &pair).await;
    let base = running.base_url();

    let error = client(&base, None).whoami().await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");
    let other = self_signed();
    let error = client(&base, Some(&other.cert)).whoami().await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");
    let text = error.to_string();
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert!(text.contains("--ca-cert"), "{text}");

    // Plain HTTP to the TLS port gets no HTTP response.
    let plain = base.replace("https://", "http://");
    let error = client(&plain, None).whoami().await.unwrap_err();
    assert!(error.is_transport(), "{error:?}");

    // The server still serves a client that trusts it after those failed handshakes.
    client(&base, Some(&pair.cert)).whoami().await.unwrap();
    running.shutdown().await.unwrap();
}

/// Builds a self-signed certificate for 127.0.0.1 marked as a CA, as `openssl req -x509`
/// makes by default.
fn self_signed_ca() -> Pair {
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Pair {
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

#[tokio::test]
async fn ca_certificate_as_server_names_fix() {
    let dir = common::scratch_dir();
    let pair = self_signed_ca();
    let running = serve_pair(dir.path(), &pair).await;

    let error = client(&running.base_url(), Some(&pair.cert))
        .whoami()
        .await
        .unwrap_err();

    let text = error.to_string();
    assert!(text.contains("CaUsedAsEndEntity"), "{text}");
    assert!(
        text.contains("basicConstraints=critical,CA:FALSE"),
        "{text}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_certificate_files_are_named() {
    let dir = common::scratch_dir();
    let pair = self_signed();
    let good = write_pair(dir.path(), "good", &pair);

    let missing = TlsFiles {
        cert: dir.path().join("missing.crt"),
        key: good.key.clone(),
    };
    let message = format!("{:#}", start_tls(dir.path(), missing).await.err().unwrap());
    assert!(message.contains("missing.crt"), "{message}");

    let garbage = dir.path().join("garbage.crt");
    std::fs::write(&garbage, "not a certificate").unwrap();
    let invalid = TlsFiles {
        cert: garbage,
        key: good.key.clone(),
    };
    let message = format!("{:#}", start_tls(dir.path(), invalid).await.err().unwrap());
    assert!(message.contains("garbage.crt"), "{message}");

    let key_as_cert = TlsFiles {
        cert: good.cert.clone(),
        key: good.cert.clone(),
    };
    let message = format!(
        "{:#}",
        start_tls(dir.path(), key_as_cert).await.err().unwrap()
    );
    assert!(message.contains("good.crt"), "{message}");

    let other = write_pair(dir.path(), "other", &self_signed());
    let mismatched = TlsFiles {
        cert: good.cert.clone(),
        key: other.key,
    };
    let message = format!(
        "{:#}",
        start_tls(dir.path(), mismatched).await.err().unwrap()
    );
    assert!(message.contains("does not match"), "{message}");
    assert!(message.contains("other.key"), "{message}");
}
