//! End-to-end tests: the real `pyward` binary, run as a user runs it, with
//! a private cache folder and no network.

mod code;
mod config;
mod db;
mod deps;
mod docs;
mod fix;
mod formats;
mod hardening;
mod licenses;
mod precommit;
mod progress;
mod reach;
mod rule;
mod scan;
mod secrets;
mod support;
