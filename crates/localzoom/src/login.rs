//! `localzoom login`: the OAuth device flow against localzoom or Zoom. Prints the code to enter
//! and where, waits for the person to allow it, then prints the tokens as JSON (or writes them to
//! `--save FILE`, readable by its owner only). Nothing is stored unless asked.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use localzoom_client::oauth::UserOAuth;
use localzoom_client::Client;

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// OAuth origin: localzoom's address, or `https://zoom.us` for Zoom.
    #[arg(long, env = "ZOOM_OAUTH_URL", default_value = "http://127.0.0.1:9666")]
    pub oauth_url: String,

    /// The OAuth app's client id.
    #[arg(long, env = "ZOOM_CLIENT_ID", hide_env_values = true)]
    pub client_id: String,

    /// The OAuth app's client secret.
    #[arg(long, env = "ZOOM_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,

    /// Write the tokens (JSON) to this file, readable by its owner only, instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

pub async fn run(args: LoginArgs) -> ExitCode {
    // A file that cannot be written is found before a device code is spent.
    if let Some(path) = &args.save {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !dir.is_dir() || path.is_dir() {
            eprintln!(
                "error: cannot save to {}: no such directory, or it is a directory",
                path.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let oauth = UserOAuth::new(&args.client_id, &args.client_secret).oauth_base(&args.oauth_url);
    let device = match oauth.device_code().await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: could not start the sign-in: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "To sign in, open {} and enter the code {}",
        device.verification_uri, device.user_code
    );
    eprintln!("  (or open {})", device.verification_uri_complete);
    eprintln!("Waiting for the answer (the code expires in {} s)…", device.expires_in);
    let tokens = match oauth.poll_device(&device).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: sign-in failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Who signed in, when the scopes allow reading it.
    let who = match Client::builder()
        .api_base(&tokens.api_url)
        .bearer_token(&tokens.access_token)
        .build()
    {
        Ok(client) => client.users().get("me").await.ok().and_then(|u| u.email),
        Err(_) => None,
    };
    match &who {
        Some(email) => eprintln!("Signed in as {email}."),
        None => eprintln!("Signed in."),
    }
    let json = match serde_json::to_string_pretty(&tokens) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match &args.save {
        Some(path) => match write_private(path, &json) {
            Ok(()) => {
                eprintln!("Tokens saved to {}.", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                // The device code is spent: the tokens go to standard output rather than nowhere.
                eprintln!("error: cannot write {}: {e}; the tokens follow", path.display());
                let _ = writeln!(std::io::stdout().lock(), "{json}");
                ExitCode::FAILURE
            }
        },
        None => {
            let _ = writeln!(std::io::stdout().lock(), "{json}");
            ExitCode::SUCCESS
        }
    }
}

/// Writes `text` to a new file only its owner can read.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}
