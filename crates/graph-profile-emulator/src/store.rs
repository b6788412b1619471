//! SQLite storage: tenants, users and profile entries.
//!
//! One writer connection behind a mutex (writes run on the blocking pool and answer
//! only after their commit), a few reader connections that WAL lets run beside it.
//! The directory is small and read on every request, so it is also kept in memory,
//! updated after each committed write.  Entries are kept as their JSON text, in the
//! order they were created.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use graph_profile::FacetKind;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde_json::{Map, Value};

use crate::config::DbLocation;
use crate::demo::{DEMO_TENANT_ID, DEMO_TENANT_NAME, DEMO_USERS};

/// Reader connections for a file database: enough for the worker threads and a few
/// more, so a read rarely waits.
const READERS: usize = 4;

/// A user of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Object id, a GUID.
    pub id: String,
    pub tenant_id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub mail: Option<String>,
}

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database folder: {0}")]
    Io(#[from] std::io::Error),
    /// A unique value (user id or principal name) already exists.
    #[error("{0} already exists")]
    Conflict(String),
    #[error("no data folder could be found for the default database; pass --db")]
    NoDataFolder,
}

/// The directory as held in memory.
#[derive(Default)]
struct Directory {
    users: HashMap<String, Arc<User>>,
    /// Lower-cased principal name to object id.
    by_upn: HashMap<String, String>,
    tenants: HashMap<String, String>,
}

impl Directory {
    fn add(&mut self, user: User) -> Arc<User> {
        let user = Arc::new(user);
        self.by_upn.insert(user.user_principal_name.to_lowercase(), user.id.clone());
        self.users.insert(user.id.clone(), Arc::clone(&user));
        user
    }
}

/// Tenants, users and profile entries, in SQLite.
pub struct Store {
    writer: Arc<Mutex<Connection>>,
    readers: Vec<Arc<Mutex<Connection>>>,
    next_reader: AtomicUsize,
    directory: RwLock<Directory>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

/// The default database file: `emulator.sqlite3` in the user's data folder.
pub fn default_db_path() -> Result<PathBuf, StoreError> {
    let dirs =
        directories::ProjectDirs::from("", "", "graph-profile").ok_or(StoreError::NoDataFolder)?;
    Ok(dirs.data_dir().join("emulator.sqlite3"))
}

impl Store {
    /// Opens (creating when missing) the database at `location`.
    pub fn open(location: &DbLocation) -> Result<Store, StoreError> {
        let path = match location {
            DbLocation::Memory => None,
            DbLocation::File(path) => Some(path.clone()),
            DbLocation::Default => Some(default_db_path()?),
        };

        let (writer, readers) = match &path {
            None => {
                // Connections to ":memory:" do not share data: one connection serves all.
                let conn = Connection::open_in_memory()?;
                let writer = Arc::new(Mutex::new(conn));
                (Arc::clone(&writer), vec![writer])
            }
            Some(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                let writer = open_file(path, false)?;
                create_schema(&writer)?;
                let readers = (0..READERS)
                    .map(|_| open_file(path, true).map(|c| Arc::new(Mutex::new(c))))
                    .collect::<Result<Vec<_>, _>>()?;
                (Arc::new(Mutex::new(writer)), readers)
            }
        };
        if path.is_none() {
            create_schema(&lock(&writer))?;
        }

        let store = Store {
            writer,
            readers,
            next_reader: AtomicUsize::new(0),
            directory: RwLock::new(Directory::default()),
            path,
        };
        store.load_directory()?;
        Ok(store)
    }

    /// The database file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn load_directory(&self) -> Result<(), StoreError> {
        let conn = self.reader();
        let mut directory = Directory::default();

        let mut tenants = conn.prepare("SELECT id, display_name FROM tenants")?;
        let rows = tenants.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        for row in rows {
            let (id, name): (String, String) = row?;
            directory.tenants.insert(id, name);
        }

        let mut users = conn
            .prepare("SELECT id, tenant_id, user_principal_name, display_name, mail FROM users")?;
        let rows = users.query_map([], |row| {
            Ok(User {
                id: row.get(0)?,
                tenant_id: row.get(1)?,
                user_principal_name: row.get(2)?,
                display_name: row.get(3)?,
                mail: row.get(4)?,
            })
        })?;
        for row in rows {
            directory.add(row?);
        }

        *self.directory.write().unwrap_or_else(|e| e.into_inner()) = directory;
        Ok(())
    }

    /// A reader connection: the first free one, else the next in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let count = self.readers.len();
        for offset in 0..count {
            if let Ok(guard) = self.readers[(start + offset) % count].try_lock() {
                return guard;
            }
        }
        lock(&self.readers[start % count])
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        lock(&self.writer)
    }

    // ---- directory -------------------------------------------------------------------

    /// The user with this object id.
    pub fn user_by_id(&self, id: &str) -> Option<Arc<User>> {
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        directory.users.get(&id.to_lowercase()).or_else(|| directory.users.get(id)).cloned()
    }

    /// The user with this principal name (letter case ignored).
    pub fn user_by_upn(&self, upn: &str) -> Option<Arc<User>> {
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        let id = directory.by_upn.get(&upn.to_lowercase())?;
        directory.users.get(id).cloned()
    }

    /// The user named by an object id or a principal name.
    pub fn find_user(&self, id_or_upn: &str) -> Option<Arc<User>> {
        self.user_by_id(id_or_upn).or_else(|| self.user_by_upn(id_or_upn))
    }

    /// The users of a tenant, in principal-name order.
    pub fn users_in_tenant(&self, tenant_id: &str) -> Vec<Arc<User>> {
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        let mut users: Vec<_> =
            directory.users.values().filter(|u| u.tenant_id == tenant_id).cloned().collect();
        users.sort_by(|a, b| a.user_principal_name.cmp(&b.user_principal_name));
        users
    }

    /// Whether the tenant exists.
    pub fn tenant_exists(&self, tenant_id: &str) -> bool {
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        directory.tenants.contains_key(tenant_id)
    }

    /// Creates a tenant; an existing one is left as it is.
    pub fn ensure_tenant(&self, tenant_id: &str, display_name: &str) -> Result<(), StoreError> {
        self.writer().execute(
            "INSERT OR IGNORE INTO tenants (id, display_name) VALUES (?1, ?2)",
            params![tenant_id, display_name],
        )?;
        let mut directory = self.directory.write().unwrap_or_else(|e| e.into_inner());
        directory.tenants.entry(tenant_id.to_owned()).or_insert_with(|| display_name.to_owned());
        Ok(())
    }

    /// Adds a user (its tenant is created when missing).  A taken id or principal name
    /// is a [`StoreError::Conflict`].
    pub fn create_user(&self, user: User) -> Result<Arc<User>, StoreError> {
        if self.user_by_upn(&user.user_principal_name).is_some() {
            return Err(StoreError::Conflict(format!(
                "userPrincipalName '{}'",
                user.user_principal_name
            )));
        }
        if self.user_by_id(&user.id).is_some() {
            return Err(StoreError::Conflict(format!("id '{}'", user.id)));
        }

        let mut conn = self.writer();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO tenants (id, display_name) VALUES (?1, ?1)",
            params![user.tenant_id],
        )?;
        let inserted = tx.execute(
            "INSERT INTO users (id, tenant_id, user_principal_name, display_name, mail)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.id,
                user.tenant_id,
                user.user_principal_name,
                user.display_name,
                user.mail
            ],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(StoreError::Conflict(format!(
                    "userPrincipalName '{}'",
                    user.user_principal_name
                )));
            }
            other => other?,
        };
        tx.commit()?;

        let mut directory = self.directory.write().unwrap_or_else(|e| e.into_inner());
        directory.tenants.entry(user.tenant_id.clone()).or_insert_with(|| user.tenant_id.clone());
        Ok(directory.add(user))
    }

    /// Seeds the demo tenant and its users; those already there are kept.
    pub fn seed_demo(&self) -> Result<(), StoreError> {
        self.ensure_tenant(DEMO_TENANT_ID, DEMO_TENANT_NAME)?;
        for demo in DEMO_USERS {
            if self.user_by_id(demo.id).is_some() {
                continue;
            }
            self.create_user(User {
                id: demo.id.to_owned(),
                tenant_id: DEMO_TENANT_ID.to_owned(),
                user_principal_name: demo.user_principal_name.to_owned(),
                display_name: demo.display_name.to_owned(),
                mail: Some(demo.mail.to_owned()),
            })?;
        }
        Ok(())
    }

    // ---- entries ---------------------------------------------------------------------

    /// Every entry of a user's facet, in the order they were created.
    pub fn list_entries(
        &self,
        user_id: &str,
        facet: FacetKind,
    ) -> Result<Vec<Map<String, Value>>, StoreError> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT body FROM entries WHERE user_id = ?1 AND facet = ?2 ORDER BY seq",
        )?;
        let rows = statement
            .query_map(params![user_id, facet.collection()], |row| row.get::<_, String>(0))?;
        let mut entries = Vec::new();
        for row in rows {
            entries.push(parse_entry(&row?)?);
        }
        Ok(entries)
    }

    /// One entry's JSON text.
    pub fn get_entry_json(
        &self,
        user_id: &str,
        facet: FacetKind,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        let conn = self.reader();
        let mut statement = conn.prepare_cached(
            "SELECT body FROM entries WHERE user_id = ?1 AND facet = ?2 AND id = ?3",
        )?;
        Ok(statement
            .query_row(params![user_id, facet.collection(), id], |row| row.get(0))
            .optional()?)
    }

    /// Stores a new entry; `entry["id"]` is its id.  Returns after the commit.
    pub fn insert_entry(
        &self,
        user_id: &str,
        facet: FacetKind,
        entry: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
        let body = serde_json::to_string(entry).map_err(to_sqlite_error)?;
        let conn = self.writer();
        let mut statement = conn.prepare_cached(
            "INSERT INTO entries (user_id, facet, id, body) VALUES (?1, ?2, ?3, ?4)",
        )?;
        statement.execute(params![user_id, facet.collection(), id, body])?;
        Ok(())
    }

    /// Reads, changes with `change` and writes back one entry, in one transaction.
    /// `Ok(None)` when there is no such entry; `change`'s error leaves it untouched.
    pub fn update_entry<E: From<StoreError>>(
        &self,
        user_id: &str,
        facet: FacetKind,
        id: &str,
        change: impl FnOnce(Map<String, Value>) -> Result<Map<String, Value>, E>,
    ) -> Result<Option<Map<String, Value>>, E> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(StoreError::from)?;
        let body: Option<String> = tx
            .query_row(
                "SELECT body FROM entries WHERE user_id = ?1 AND facet = ?2 AND id = ?3",
                params![user_id, facet.collection(), id],
                |row| row.get(0),
            )
            .optional()
            .map_err(StoreError::from)?;
        let Some(body) = body else {
            return Ok(None);
        };

        let updated = change(parse_entry(&body)?)?;
        let text =
            serde_json::to_string(&updated).map_err(|e| StoreError::from(to_sqlite_error(e)))?;
        tx.execute(
            "UPDATE entries SET body = ?4 WHERE user_id = ?1 AND facet = ?2 AND id = ?3",
            params![user_id, facet.collection(), id, text],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(Some(updated))
    }

    /// Deletes one entry; `false` when there was none.
    pub fn delete_entry(
        &self,
        user_id: &str,
        facet: FacetKind,
        id: &str,
    ) -> Result<bool, StoreError> {
        let conn = self.writer();
        let mut statement = conn
            .prepare_cached("DELETE FROM entries WHERE user_id = ?1 AND facet = ?2 AND id = ?3")?;
        Ok(statement.execute(params![user_id, facet.collection(), id])? > 0)
    }
}

fn lock(mutex: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding a connection leaves no half-done transaction (rusqlite
    // rolls back on drop), so the connection is still usable.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn open_file(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    // With WAL, NORMAL writes each commit to the log before it returns: an answered
    // write survives the process being killed (not a power cut, which the emulator
    // need not survive).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

fn create_schema(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS tenants (
             id TEXT PRIMARY KEY,
             display_name TEXT NOT NULL
         );
         CREATE TABLE IF NOT EXISTS users (
             id TEXT PRIMARY KEY,
             tenant_id TEXT NOT NULL REFERENCES tenants(id),
             user_principal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
             display_name TEXT NOT NULL,
             mail TEXT
         );
         CREATE TABLE IF NOT EXISTS entries (
             seq INTEGER PRIMARY KEY AUTOINCREMENT,
             user_id TEXT NOT NULL,
             facet TEXT NOT NULL,
             id TEXT NOT NULL,
             body TEXT NOT NULL,
             UNIQUE (user_id, facet, id)
         );",
    )?;
    Ok(())
}

fn parse_entry(body: &str) -> Result<Map<String, Value>, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Sqlite(to_sqlite_error(e)))
}

fn to_sqlite_error(error: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(error))
}
