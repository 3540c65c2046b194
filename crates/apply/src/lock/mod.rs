//! One apply per directory: a lock file in `.cda/` holding the holder's pid.
//!
//! The lock is published with a hard link (which fails when it exists), so
//! two processes cannot both take it, and it never exists without a pid. A lock whose pid is no longer alive (checked through `/proc/<pid>`) is
//! left over from a crash and is taken over with a warning.
//!
//! Two checkouts of one repository (two CI runners, two colleagues) do not
//! share that file: [`shared`] is the lock every runner can share, a
//! PostgreSQL advisory lock (`--lock-url`).

pub mod shared;

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another cda apply is running in this directory (pid {pid}){}; lock file {}",
        waited.map(|w| format!(", still after waiting {} (--lock-timeout)", crate::executor::seconds(w))).unwrap_or_default(),
        path.display())]
    Held {
        pid: u32,
        path: PathBuf,
        /// How long we waited for it (`--lock-timeout`), if at all.
        waited: Option<Duration>,
    },
    #[error("lock file {} exists but does not hold a pid; remove it if no apply is running", path.display())]
    Unreadable { path: PathBuf },
    #[error("cannot create lock file {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Held while an apply runs; the file is removed on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Take the lock at `dir/apply.lock`. Returns a warning to show when a
    /// stale lock was taken over.
    pub fn acquire(dir: &Path) -> Result<(Lock, Option<String>), LockError> {
        let path = dir.join("apply.lock");
        let io_err = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(dir).map_err(io_err)?;
        let mut warning = None;
        // Two rounds at most: the second after removing a stale lock. If a
        // third process wins the race in between, we report it as the holder.
        for _ in 0..2 {
            match publish(dir, &path) {
                Ok(()) => return Ok((Lock { path }, warning)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if pid_alive(pid) => {
                            return Err(LockError::Held {
                                pid,
                                path,
                                waited: None,
                            })
                        }
                        Some(pid) => {
                            warning = Some(format!(
                                "taking over a stale lock {} left by pid {pid}, which is no longer running",
                                path.display()
                            ));
                            fs::remove_file(&path).map_err(io_err)?;
                        }
                        None => return Err(LockError::Unreadable { path }),
                    }
                }
                Err(e) => return Err(io_err(e)),
            }
        }
        let pid = fs::read_to_string(&path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        Err(LockError::Held {
            pid,
            path,
            waited: None,
        })
    }

    /// [`Lock::acquire`], waiting up to `timeout` while another live apply
    /// holds it (`--lock-timeout`); `waiting` is told once, when the wait
    /// starts. A zero timeout fails at once, as [`Lock::acquire`] does.
    pub async fn acquire_within(
        dir: &Path,
        timeout: Duration,
        waiting: impl FnOnce(&LockError),
    ) -> Result<(Lock, Option<String>), LockError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut waiting = Some(waiting);
        let mut pause = Duration::from_millis(20);
        loop {
            match Lock::acquire(dir) {
                Err(held @ LockError::Held { .. }) => {
                    let now = tokio::time::Instant::now();
                    if now >= deadline {
                        let LockError::Held { pid, path, .. } = held else {
                            return Err(held);
                        };
                        let waited = (!timeout.is_zero()).then_some(timeout);
                        return Err(LockError::Held { pid, path, waited });
                    }
                    if let Some(tell) = waiting.take() {
                        tell(&held);
                    }
                    // The holder's release is a file removal nobody signals:
                    // look again soon, then less often.
                    tokio::time::sleep(pause.min(deadline - now)).await;
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                other => return other,
            }
        }
    }
}

/// Create `path` holding our pid, atomically: the pid is written to a
/// private file first and then hard-linked into place, which fails if the
/// lock exists. A process killed at any point therefore leaves either no
/// lock or a lock with its pid (taken over later as stale), never an empty
/// lock that would need a human to remove it.
fn publish(dir: &Path, path: &Path) -> io::Result<()> {
    let pid = std::process::id();
    let staging = dir.join(format!("apply.lock.{pid}.tmp"));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&staging)?;
        writeln!(file, "{pid}")?;
        file.sync_all()?;
        fs::hard_link(&staging, path)
    })();
    let _ = fs::remove_file(&staging);
    written
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Only remove the file if it is still ours.
        let ours = fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .is_some_and(|pid| pid == std::process::id());
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whether a process with this pid exists. Without `/proc` (not Linux) we
/// cannot tell, so the lock is treated as held and the user removes it.
pub(crate) fn pid_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_acquire_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let (lock, warning) = Lock::acquire(dir.path()).unwrap();
        assert!(warning.is_none());
        let err = Lock::acquire(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(lock);
        assert!(!dir.path().join("apply.lock").exists());
        // Released: can be taken again.
        let _again = Lock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn stale_lock_is_taken_over_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        // Pids are bounded by pid_max (at most 2^22), so this one cannot exist.
        fs::write(dir.path().join("apply.lock"), "999999999\n").unwrap();
        let (_lock, warning) = Lock::acquire(dir.path()).unwrap();
        let warning = warning.unwrap();
        assert!(warning.contains("999999999"), "{warning}");
        let content = fs::read_to_string(dir.path().join("apply.lock")).unwrap();
        assert_eq!(content.trim(), std::process::id().to_string());
    }

    #[test]
    fn acquiring_leaves_only_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let (_lock, _) = Lock::acquire(dir.path()).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["apply.lock".to_owned()]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_waits_for_the_holder_and_gives_up_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let (held, _) = Lock::acquire(dir.path()).unwrap();
        // Zero: fails at once, as without --lock-timeout, and is not told.
        let err = Lock::acquire_within(dir.path(), Duration::ZERO, |_| panic!("told"))
            .await
            .unwrap_err();
        assert!(matches!(err, LockError::Held { waited: None, .. }), "{err}");

        let started = tokio::time::Instant::now();
        let mut told = false;
        let err = Lock::acquire_within(dir.path(), Duration::from_secs(3), |_| told = true)
            .await
            .unwrap_err();
        assert!(told);
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        assert!(err.to_string().contains("after waiting 3 s"), "{err}");

        // Released while we wait: taken then.
        let path = dir.path().to_owned();
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            drop(held);
        });
        let (_lock, _) = Lock::acquire_within(&path, Duration::from_secs(10), |_| {})
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        release.await.unwrap();
    }

    #[test]
    fn garbage_lock_is_not_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("apply.lock"), "not a pid").unwrap();
        assert!(matches!(
            Lock::acquire(dir.path()),
            Err(LockError::Unreadable { .. })
        ));
    }
}
