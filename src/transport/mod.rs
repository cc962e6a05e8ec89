//! Getting polls in and votes out. `payload` (what goes on the wire and
//! what an answer means) is pure and tested natively; the rest is the
//! browser side: `decode` turns page or server JSON into Rust, `memory` is
//! what this browser remembers, `net` talks to backends.

pub mod payload;

#[cfg(target_arch = "wasm32")]
pub mod decode;
#[cfg(target_arch = "wasm32")]
pub mod memory;
#[cfg(target_arch = "wasm32")]
pub mod net;
