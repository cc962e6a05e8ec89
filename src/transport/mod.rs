//! Getting polls in and votes out. `decode` is the single place JSON from
//! the page or a server becomes Rust; `memory` is what this browser
//! remembers between visits.

pub mod decode;
pub mod memory;
