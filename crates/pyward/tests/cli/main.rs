//! End-to-end tests: the real `pyward` binary, run as a user runs it, with
//! a private cache folder and no network.

mod config;
mod deps;
mod scan;
mod support;
