//! The listener of the server: plain TCP, or TLS (rustls) over TCP, and the peer address
//! that reaches the routes as `ConnectInfo<PeerAddr>`.
//!
//! TLS handshakes run in their own tasks, each limited to [`HANDSHAKE_TIMEOUT`], so that a
//! client that stalls its handshake holds up no other connection.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_util::either::Either;
use tokio_util::sync::CancellationToken;

/// Maximum time a client may take to complete its TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Maximum number of TLS handshakes in progress at once.
const MAX_PENDING_HANDSHAKES: usize = 256;

/// Paths of the PEM certificate chain and private key of `serve --tls-cert --tls-key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The address of the client of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, Incoming>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, Incoming>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// Accepted connections, plain or TLS.
pub enum Incoming {
    Plain(TcpListener),
    Tls {
        local: SocketAddr,
        /// Connections whose handshake completed, from the task that [`Incoming::tls`] starts.
        ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    },
}

impl Incoming {
    /// Accepts TLS connections on `listener` until `cancel` fires.
    pub fn tls(
        listener: TcpListener,
        config: Arc<ServerConfig>,
        cancel: CancellationToken,
    ) -> io::Result<Self> {
        let local = listener.local_addr()?;
        let (sender, ready) = mpsc::channel(64);
        tokio::spawn(accept_tls(
            listener,
            TlsAcceptor::from(config),
            sender,
            cancel,
        ));
        Ok(Incoming::Tls { local, ready })
    }
}

impl Listener for Incoming {
    type Io = Either<TcpStream, TlsStream<TcpStream>>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self {
            Incoming::Plain(listener) => {
                // axum's own accept loop logs and retries failed accepts.
                let (stream, address) = Listener::accept(listener).await;
                (Either::Left(stream), address)
            }
            Incoming::Tls { ready, .. } => match ready.recv().await {
                Some((stream, address)) => (Either::Right(stream), address),
                // The accept task stopped at shutdown; the server stops calling accept soon.
                None => std::future::pending().await,
            },
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        match self {
            Incoming::Plain(listener) => listener.local_addr(),
            Incoming::Tls { local, .. } => Ok(*local),
        }
    }
}

/// Logs a failed TLS accept and waits a moment when the cause is the process (such as too many
/// open files) rather than one connection, so that the loop does not spin.
async fn pause_after_accept_error(error: &io::Error) {
    let per_connection = matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    );
    if per_connection {
        tracing::debug!(%error, "failed to accept a connection");
        return;
    }
    tracing::warn!(%error, "failed to accept a connection; pausing accepts for 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn accept_tls(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
    cancel: CancellationToken,
) {
    let pending = Arc::new(Semaphore::new(MAX_PENDING_HANDSHAKES));
    let failures = Arc::new(AtomicU64::new(0));
    loop {
        let accepted = tokio::select! {
            () = cancel.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let (stream, address) = match accepted {
            Ok(connection) => connection,
            Err(error) => {
                pause_after_accept_error(&error).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&pending).acquire_owned().await else {
            return;
        };
        let (acceptor, ready, failures) = (acceptor.clone(), ready.clone(), Arc::clone(&failures));
        tokio::spawn(async move {
            let _permit = permit;
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => {
                    if ready.send((stream, address)).await.is_err() {
                        tracing::debug!(%address, "server stopped before the connection was served");
                    }
                }
                Ok(Err(error)) => log_handshake_failure(&failures, address, &error.to_string()),
                Err(_) => log_handshake_failure(&failures, address, "timed out"),
            }
        });
    }
}

/// Logs the first failed handshake and then one in every hundred, with the running count,
/// because scanners and clients that distrust the certificate can fail thousands.
fn log_handshake_failure(failures: &AtomicU64, address: SocketAddr, error: &str) {
    let count = failures.fetch_add(1, Ordering::Relaxed) + 1;
    if count == 1 || count % 100 == 0 {
        tracing::info!(%address, error, failed_handshakes = count, "TLS handshake failed");
    }
}

/// Reads a PEM certificate chain and private key and builds the server's TLS configuration
/// (TLS 1.2 and 1.3, rustls with the ring provider).
///
/// # Errors
///
/// A message naming the file when either file is missing, unreadable or contains no PEM item of
/// its kind, or when the key does not belong to the certificate.
pub fn load_config(files: &TlsFiles) -> anyhow::Result<Arc<ServerConfig>> {
    let cert_pem = read_file(&files.cert, "TLS certificate")?;
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| {
            format!(
                "invalid TLS certificate file {}: it is not valid PEM",
                files.cert.display()
            )
        })?;
    if certs.is_empty() {
        anyhow::bail!(
            "invalid TLS certificate file {}: it holds no CERTIFICATE block; pass a PEM \
             certificate chain",
            files.cert.display()
        );
    }
    let key_pem = read_file(&files.key, "TLS private key")?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|error| {
        anyhow::anyhow!(
            "invalid TLS private key file {}: {error}; pass a PEM PRIVATE KEY, RSA PRIVATE KEY \
             or EC PRIVATE KEY",
            files.key.display()
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("failed to select TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|error| {
            anyhow::anyhow!(
                "TLS private key {} does not match certificate {}, or is not usable: {error}",
                files.key.display(),
                files.cert.display()
            )
        })?;
    Ok(Arc::new(config))
}

fn read_file(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("failed to read {what} file {}", path.display()))
}
