//! One unit of work: every write in the server runs through `write_tx!`. It opens a transaction,
//! runs the body, commits, and runs the whole body again when the transaction lost a conflict with
//! a concurrent one (classified from the driver's error code, never from an HTTP status). Events the
//! body records (`tx.emit`) go to the outbox in the same transaction and are handed to subscribers
//! only after the commit, in commit order; a refused or rolled-back change emits nothing.

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyConnection;
use tokio::sync::{broadcast, Mutex, Notify, OwnedMutexGuard};

use super::{Store, StoreError};
use crate::events::Event;

/// The advisory lock (PostgreSQL) that orders outbox writes across replicas.
const OUTBOX_LOCK: i64 = 0x6c7a_6f75_7462;

/// How many times a unit of work whose transaction conflicted runs in all before it gives up.
pub const CONFLICT_ATTEMPTS: usize = 4;

/// Errors a unit of work may end with: it runs again only on a lost conflict.
pub trait Retryable: From<StoreError> {
    fn is_conflict(&self) -> bool;
}

impl Retryable for StoreError {
    fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}

/// Where committed events go: subscribers (a broadcast channel) and a wake-up for the webhook worker.
pub(super) struct Bus {
    events: broadcast::Sender<Arc<Event>>,
    committed: Notify,
    /// Held from commit to publication, so subscribers see events in commit order.
    order: Mutex<()>,
}

impl Bus {
    pub(super) fn new() -> Self {
        Bus {
            events: broadcast::channel(4096).0,
            committed: Notify::new(),
            order: Mutex::new(()),
        }
    }
}

/// A write transaction and the events recorded in it. Dropped without being settled, it rolls back.
pub struct WriteTx {
    pub(super) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(super) _guard: Option<OwnedMutexGuard<()>>,
    events: Vec<Event>,
}

impl WriteTx {
    pub(super) fn new(tx: sqlx::Transaction<'static, sqlx::Any>, guard: Option<OwnedMutexGuard<()>>) -> Self {
        WriteTx {
            tx,
            _guard: guard,
            events: Vec::new(),
        }
    }

    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Records `event` for this transaction: it is written to the outbox as the change commits
    /// (numbered in commit order) and reaches subscribers only after it has; a change that does
    /// not commit records nothing.
    pub async fn emit(&mut self, mut event: Event) -> Result<(), StoreError> {
        event.id = crate::ids::zoom_id();
        self.events.push(event);
        Ok(())
    }

    /// Commits a transaction that records no events (the migrations, run before anything else).
    pub(super) async fn commit_plain(self) -> Result<(), StoreError> {
        debug_assert!(self.events.is_empty());
        self.tx.commit().await.map_err(StoreError::classify)
    }

    /// Marks a point to roll back to. PostgreSQL aborts the whole transaction on any failed statement;
    /// rolling back to a savepoint keeps the rest of it usable (SQLite behaves the same).
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("SAVEPOINT attempt").execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Undoes everything since `savepoint` and keeps the transaction usable.
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("ROLLBACK TO SAVEPOINT attempt")
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("RELEASE SAVEPOINT attempt").execute(&mut *self.tx).await?;
        Ok(())
    }

    pub async fn release_savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("RELEASE SAVEPOINT attempt").execute(&mut *self.tx).await?;
        Ok(())
    }
}

/// What became of one attempt of a unit of work.
pub enum Settled<T, E> {
    Done(Result<T, E>),
    Retry,
}

impl Store {
    /// Opens the transaction of one attempt. For `write_tx!` only: a transaction opened here and
    /// not settled rolls back.
    #[doc(hidden)]
    pub async fn begin_unit(&self) -> Result<WriteTx, StoreError> {
        self.begin_write().await
    }

    #[doc(hidden)]
    /// Ends one attempt: commits a success and publishes its events; rolls back a failure; asks for
    /// another attempt when the transaction (or its commit) lost a conflict and attempts remain.
    pub async fn settle<T, E: Retryable>(
        &self,
        attempt: &mut usize,
        tx: WriteTx,
        outcome: Result<T, E>,
    ) -> Settled<T, E> {
        *attempt += 1;
        let conflict = match outcome {
            Ok(value) => match self.commit(tx).await {
                Ok(()) => return Settled::Done(Ok(value)),
                Err(e) => E::from(e),
            },
            Err(e) => {
                drop(tx);
                e
            }
        };
        if conflict.is_conflict() && *attempt < CONFLICT_ATTEMPTS {
            tracing::debug!(attempt = *attempt, "running again a unit of work that conflicted");
            tokio::time::sleep(Duration::from_millis(5 * *attempt as u64)).await;
            return Settled::Retry;
        }
        Settled::Done(Err(conflict))
    }

    async fn commit(&self, tx: WriteTx) -> Result<(), StoreError> {
        let WriteTx { mut tx, _guard, events } = tx;
        if events.is_empty() {
            return tx.commit().await.map_err(StoreError::classify);
        }
        // The outbox is written last, under a lock held to the commit (this process's mutex, and on
        // PostgreSQL a transaction-scoped advisory lock shared by every replica), so the outbox's
        // numbering is the commit order. Nothing is waited for after the lock but the commit itself.
        let _order = self.bus.order.lock().await;
        if self.backend == super::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(OUTBOX_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        for event in &events {
            sqlx::query(
                "INSERT INTO events (id, account_id, event, event_ts, body, dispatched) VALUES ($1, $2, $3, $4, $5, 0)",
            )
            .bind(&event.id)
            .bind(&event.account_id)
            .bind(event.kind.as_str())
            .bind(event.ts)
            .bind(event.body())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await.map_err(StoreError::classify)?;
        drop(_guard);
        for event in events {
            // No subscriber is not an error: the outbox keeps every event for the worker.
            let _ = self.bus.events.send(Arc::new(event));
        }
        self.bus.committed.notify_one();
        Ok(())
    }

    /// Every event committed from now on in this process, in commit order. A subscriber that falls
    /// more than 4096 events behind is told how many it missed (the outbox still has them).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.bus.events.subscribe()
    }

    /// Completes when events have been committed since the last wake-up (the webhook worker's cue).
    pub async fn committed(&self) {
        self.bus.committed.notified().await
    }

    /// Wakes whoever waits in `committed` (the worker, after work it made for itself).
    pub fn wake(&self) {
        self.bus.committed.notify_one()
    }
}

/// Runs `$body` as one unit of work on `$store`: `write_tx!(state.store, |tx| { … Ok(v) })`. The
/// body is an `async` block with `tx: &mut WriteTx`; `?` and `return` leave it with the error type
/// given as `ApiError` unless named (`write_tx!(store, StoreError, |tx| …)`). On a lost conflict the
/// whole body runs again, so it must not change anything outside the transaction.
#[macro_export]
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:block) => {
        $crate::write_tx!($store, $crate::error::ApiError, |$tx| $body)
    };
    ($store:expr, $err:ty, |$tx:ident| $body:block) => {{
        let store: &$crate::store::Store = &$store;
        let mut attempt = 0usize;
        loop {
            let mut $tx = match store.begin_unit().await {
                Ok(tx) => tx,
                Err(e) => break Err(<$err>::from(e)),
            };
            let outcome: Result<_, $err> = async {
                #[allow(unused_mut)]
                let mut $tx = &mut $tx;
                $body
            }
            .await;
            match store.settle(&mut attempt, $tx, outcome).await {
                $crate::store::unit::Settled::Done(result) => break result,
                $crate::store::unit::Settled::Retry => continue,
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::error::ApiError;
    use crate::events::{EventKind, Operator};
    use serde_json::{json, Map};

    /// Groups of replicas of one store: an ephemeral SQLite store alone, and, with
    /// `LOCALZOOM_TEST_POSTGRES_URL`, two stores opened separately on that database (two replicas:
    /// no in-process lock is shared between them).
    async fn replica_groups() -> Vec<Vec<Store>> {
        let mut groups = vec![vec![Store::open(&Config::ephemeral()).await.unwrap()]];
        if let Ok(url) = std::env::var("LOCALZOOM_TEST_POSTGRES_URL") {
            let config = Config {
                database_url: Some(url),
                ..Config::ephemeral()
            };
            groups.push(vec![
                Store::open(&config).await.unwrap(),
                Store::open(&config).await.unwrap(),
            ]);
        }
        groups
    }

    fn event(account: &str, n: i64) -> Event {
        let mut payload = Map::new();
        payload.insert("object".into(), json!({"n": n}));
        let operator = Some(Operator {
            email: "probe@example.com".into(),
            id: "probe".into(),
        });
        Event::new(EventKind::UserUpdated, account, operator, n, payload)
    }

    async fn counter(store: &Store, table: &str) -> i64 {
        let row = sqlx::query(&format!("SELECT n FROM {table} WHERE id = 1"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        sqlx::Row::try_get(&row, 0).unwrap()
    }

    /// N concurrent units of work that each bump a counter and record the value they wrote: every
    /// committed one reaches a subscriber exactly once, in commit order (the counter's order); the
    /// refused ones leave neither a row in the outbox nor an event.
    #[tokio::test]
    async fn committed_events_reach_subscribers_once_in_commit_order() {
        for replicas in replica_groups().await {
            let store = replicas[0].clone();
            let table = format!("uow_probe_{}", crate::ids::zoom_id().to_lowercase().replace('-', "_"));
            let account = format!("acct-{table}");
            sqlx::query(&format!(
                "CREATE TABLE {table} (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)"
            ))
            .execute(store.pool())
            .await
            .unwrap();
            sqlx::query(&format!("INSERT INTO {table} (id, n) VALUES (1, 0)"))
                .execute(store.pool())
                .await
                .unwrap();
            let mut subscribers: Vec<_> = replicas.iter().map(Store::subscribe).collect();
            let mut tasks = Vec::new();
            for i in 0..40 {
                let store = replicas[i % replicas.len()].clone();
                let (table, account) = (table.clone(), account.clone());
                tasks.push(tokio::spawn(async move {
                    write_tx!(store, |tx| {
                        let row = sqlx::query(&format!("UPDATE {table} SET n = n + 1 WHERE id = 1 RETURNING n"))
                            .fetch_one(tx.conn())
                            .await
                            .map_err(StoreError::from)?;
                        let n: i64 = sqlx::Row::try_get(&row, 0).map_err(StoreError::from)?;
                        tx.emit(event(&account, n)).await?;
                        if i % 4 == 3 {
                            // Refused after its event was recorded: rolls back, emits nothing.
                            return Err(ApiError::invalid_field("probe"));
                        }
                        Ok(n)
                    })
                }));
            }
            let mut committed = Vec::new();
            for t in tasks {
                if let Ok(n) = t.await.unwrap() {
                    committed.push(n);
                }
            }
            assert_eq!(committed.len(), 30);
            assert_eq!(counter(&store, &table).await, 30, "refused units changed nothing");
            // Each replica's subscribers see its own committed changes once each, in commit order.
            let mut all = Vec::new();
            for events in &mut subscribers {
                let mut seen = Vec::new();
                while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(200), events.recv()).await {
                    if e.account_id == account {
                        seen.push(e.object["n"].as_i64().unwrap());
                    }
                }
                assert!(seen.windows(2).all(|w| w[0] < w[1]), "in commit order: {seen:?}");
                all.extend(seen);
            }
            all.sort();
            assert_eq!(all, (1..=30).collect::<Vec<_>>(), "each committed change once");
            // The outbox holds exactly the committed events, numbered in commit order (the order
            // the webhook worker delivers them in).
            let rows = sqlx::query("SELECT body FROM events WHERE account_id = $1 ORDER BY seq")
                .bind(&account)
                .fetch_all(store.pool())
                .await
                .unwrap();
            let outbox: Vec<i64> = rows
                .iter()
                .map(|r| {
                    let body: String = sqlx::Row::try_get(r, 0).unwrap();
                    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                    v["payload"]["object"]["n"].as_i64().unwrap()
                })
                .collect();
            assert_eq!(outbox, (1..=30).collect::<Vec<_>>(), "the outbox, by its numbering");
            sqlx::query("DELETE FROM events WHERE account_id = $1")
                .bind(&account)
                .execute(store.pool())
                .await
                .unwrap();
            sqlx::query(&format!("DROP TABLE {table}"))
                .execute(store.pool())
                .await
                .unwrap();
        }
    }

    /// A lost conflict runs the body again (its events from the lost attempt are gone with it), at
    /// most `CONFLICT_ATTEMPTS` times; other errors are not retried.
    #[tokio::test]
    async fn conflicts_run_the_unit_again_a_bounded_number_of_times() {
        let store = Store::open(&Config::ephemeral()).await.unwrap();
        let mut events = store.subscribe();
        let mut runs = 0;
        let r: Result<i64, ApiError> = write_tx!(store, |tx| {
            runs += 1;
            tx.emit(event("acct-retry", runs)).await?;
            if runs < 3 {
                return Err(StoreError::Conflict("deadlock".into()).into());
            }
            Ok(runs)
        });
        assert_eq!(r, Ok(3));
        let e = events.recv().await.unwrap();
        assert_eq!(e.object["n"], 3);
        assert!(events.try_recv().is_err(), "the lost attempts emitted nothing");

        let mut runs = 0;
        let r: Result<(), ApiError> = write_tx!(store, |_tx| {
            runs += 1;
            Err(StoreError::Conflict("deadlock".into()).into())
        });
        assert_eq!(runs, CONFLICT_ATTEMPTS);
        let e = r.unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (503, 503));

        let mut runs = 0;
        let r: Result<(), ApiError> = write_tx!(store, |_tx| {
            runs += 1;
            Err(ApiError::invalid_field("x"))
        });
        assert_eq!((runs, r.map_err(|e| e.code)), (1, Err(300)));
        // A 503 that is not a conflict (the database went away) is not run again.
        let mut runs = 0;
        let r: Result<(), ApiError> = write_tx!(store, |_tx| {
            runs += 1;
            Err(StoreError::Unavailable("gone".into()).into())
        });
        assert_eq!((runs, r.map_err(|e| e.code)), (1, Err(503)));
    }
}
