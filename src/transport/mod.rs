//! Getting polls in and votes out. `protocol` (the one seam where the ways
//! a vote travels differ) and `payload` (what goes on the wire) are pure and
//! tested natively (the WordPress plugin's dialect is the element's
//! `wp-polls.js`); the rest is the browser side: `decode` turns page or server JSON into Rust, `memory` is
//! what this browser remembers, `net` talks to backends.

pub mod payload;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod decode;
#[cfg(all(target_arch = "wasm32", feature = "survey"))]
pub mod decode_survey;
#[cfg(target_arch = "wasm32")]
pub mod memory;
#[cfg(target_arch = "wasm32")]
pub mod net;
