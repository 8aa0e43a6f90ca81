//! Static analysis of Python source: Bandit's checks with Bandit's ids, and
//! pyward's own (`PW`). The only crate that parses Python.
