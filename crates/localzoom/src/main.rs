//! The `localzoom` binary: `localzoom serve` runs the Zoom API emulator; `localzoom users|meetings|
//! registrants …` talk to it (or to Zoom) through localzoom-client.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod admin;
mod cli;
mod login;
use localzoom_server::{Config, Server};

#[derive(Parser)]
#[command(
    name = "localzoom",
    version,
    about = "A stateful, self-hostable emulator of the Zoom REST API v2"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the emulator: the Zoom API under /v2, OAuth under /oauth, the control plane under /_localzoom.
    Serve(Config),
    /// Users: list, get, create, update, delete, activate, deactivate, presence.
    Users {
        #[command(flatten)]
        connection: cli::Connection,
        #[command(subcommand)]
        command: cli::UsersCommand,
    },
    /// Meetings: list, get, create, update, delete.
    Meetings {
        #[command(flatten)]
        connection: cli::Connection,
        #[command(subcommand)]
        command: cli::MeetingsCommand,
    },
    /// A meeting's registrants: list, add, approve, deny, cancel.
    Registrants {
        #[command(flatten)]
        connection: cli::Connection,
        #[command(subcommand)]
        command: cli::RegistrantsCommand,
    },
    /// Sign in as a user with the OAuth device flow (localzoom or Zoom) and print the tokens.
    Login(login::LoginArgs),
    /// The control plane: reset, state, seed, requests, faults, clock, accounts, apps.
    Admin {
        #[command(flatten)]
        connection: admin::AdminConnection,
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
}

/// The pool's own connection errors are left out: localzoom reports them itself, once, as a 503
/// or a start-up line naming the flag to change.
const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn,sqlx_core::pool=off";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("LOCALZOOM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("localzoom: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Serve(config) => runtime.block_on(serve(config)),
        Command::Users { connection, command } => runtime.block_on(cli::users(&connection, command)),
        Command::Meetings { connection, command } => runtime.block_on(cli::meetings(&connection, command)),
        Command::Registrants { connection, command } => runtime.block_on(cli::registrants(&connection, command)),
        Command::Admin { connection, command } => runtime.block_on(admin::run(&connection, command)),
        Command::Login(args) => runtime.block_on(login::run(args)),
    }
}

async fn serve(config: Config) -> ExitCode {
    if let Err(e) = localzoom_server::ids::check_random_source() {
        eprintln!("localzoom: {e}: ids and tokens would be guessable, so localzoom will not start");
        return ExitCode::FAILURE;
    }
    // The port first: a port in use is found before the store is touched.
    let address = format!("{}:{}", config.host, config.port);
    let listener = match tokio::net::TcpListener::bind(&address).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("localzoom: cannot listen on {address}: {e} (change --port or --host)");
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("localzoom: cannot read the listening address {address}: {e} (change --port or --host)");
            return ExitCode::FAILURE;
        }
    };
    let server = match Server::new(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("localzoom: {e}");
            return ExitCode::FAILURE;
        }
    };
    let c = server.credentials();
    let origin = format!("http://{addr}");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "localzoom {} — Zoom API emulator", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "  store:         {}", server.state().store.location());
    let _ = writeln!(out, "  account id:    {}", c.account_id);
    let _ = writeln!(out, "  owner:         {} ({})", c.owner_email, c.owner_id);
    let _ = writeln!(out, "  client id:     {}", c.client_id);
    let _ = writeln!(out, "  client secret: {}", c.client_secret);
    let _ = writeln!(out, "  secret token:  {} (signs webhooks)", c.secret_token);
    let _ = writeln!(out, "  dashboard:     {origin}/_localzoom/ui");
    let _ = writeln!(
        out,
        "  get a token:   curl -s -X POST -u '{}:{}' '{origin}/oauth/token?grant_type=account_credentials&account_id={}'",
        c.client_id, c.client_secret, c.account_id
    );
    match server.seeded() {
        Some(localzoom_server::SeedOutcome::Applied(_)) => {
            let _ = writeln!(out, "  seed:          applied to the new store");
        }
        Some(localzoom_server::SeedOutcome::Skipped) => {
            let _ = writeln!(out, "  seed:          not applied: the store already has data");
        }
        None => {}
    }
    if server.state().config.control_token.is_none() && !is_loopback(&server.state().config.host) {
        eprintln!(
            "localzoom: warning: the control plane (/_localzoom) is open on {}: set --control-token",
            server.state().config.host
        );
    }
    let _ = writeln!(out, "listening on {origin}");
    let _ = out.flush();
    drop(out);
    match server.serve_with_shutdown(listener, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("localzoom: {e}");
            ExitCode::FAILURE
        }
    }
}

fn is_loopback(host: &str) -> bool {
    match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
