//! Report formats. Each format is one module that renders a
//! [`pyward_model::Report`]; none of them knows which scanner made a finding.
