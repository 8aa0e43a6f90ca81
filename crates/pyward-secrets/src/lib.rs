//! Hardcoded secrets: keys, tokens and passwords written into text files.
