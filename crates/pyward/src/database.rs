//! Opening the vulnerability database the user asked for: `--db`,
//! `PYWARD_DB`, the cache folder, or the built-in snapshot; refreshing it
//! first when it is stale and the network is allowed.
