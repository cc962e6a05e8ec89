//! Getting polls in and votes out. `protocol` (the one seam where the ways
//! a vote travels differ), `payload` (what goes on the wire) and `wp_polls`
//! (the WordPress plugin's dialect) are pure and tested natively; the rest is the
//! browser side: `decode` turns page or server JSON into Rust, `memory` is
//! what this browser remembers, `net` talks to backends.

pub mod payload;
pub mod protocol;
pub mod wp_polls;

#[cfg(target_arch = "wasm32")]
pub mod decode;
#[cfg(all(target_arch = "wasm32", feature = "survey"))]
pub mod decode_survey;
#[cfg(target_arch = "wasm32")]
pub mod memory;
#[cfg(target_arch = "wasm32")]
pub mod net;
